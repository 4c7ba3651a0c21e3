// A `gen data audio` folder as the training stages read it: D/dataset.json ("sample_rate",
// "clip_seconds") and D/sounds.jsonl, one clip per line ({"file": a mono WAV relative to D,
// "caption", "split": "train" | "heldout"}; other fields are ignored). The files are
// treated as hostile: anything malformed is one gen::InputError naming file and line.
#pragma once
#include <string>
#include <vector>

#include <torch/types.h>

#include <gen/progress.h>

#include "../audio_spectrogram.h"

namespace audio_spectrogram {

struct SoundClips {
  torch::Tensor samples;              // float [N, clip samples], mono at the model's rate
  std::vector<std::string> captions;  // N
  int sample_rate = 16000;
  int64_t size() const { return static_cast<int64_t>(captions.size()); }
};

// The clips of one split, resampled to `sample_rate` when their files differ and cut or
// padded with silence to the dataset's clip length. max_clips 0: all of them. A split
// without clips is an InputError, unless `optional` (then no clips come back).
SoundClips load_sound_clips(const std::string& dir, const std::string& split, int sample_rate, int64_t max_clips,
                            const gen::ProgressCallback& progress, bool optional = false);

// The codec's log-mel (clip_log_mel) of every clip: float [N, frames, bands], frames
// covering the clip in whole latent rows of `geometry`.
torch::Tensor clip_mels(const SoundClips& clips, const MelGeometry& geometry);

}  // namespace audio_spectrogram
