// The audio writers the generation host picks by extension (gen/output_formats.h), for
// audio samples: float [channels, samples] in [-1, 1] (gen/sample.h).
//   .wav .flac .ogg   the clip (gen/audio/audio_io.h); the sample's text goes into the
//                     file ("parameters" as its comment)
//   .png              its spectrogram picture (gen/audio/spectrogram_image.h), so
//                     `-o clip.png` shows a clip without writing it
// The sample's metadata "sample_rate" is the rate (kDefaultSampleRate without one);
// "sample_format" ("pcm16", "pcm24", "float") the WAV/FLAC sample format (pcm16 without;
// FLAC stores float as pcm24).
#pragma once
#include <torch/types.h>

#include <gen/audio/audio.h>
#include <gen/export.h>
#include <gen/output_formats.h>

namespace gen::audio {

constexpr int kDefaultSampleRate = 16000;  // AudioLDM's rate

GEN_API void add_audio_formats(OutputFormats& formats);

// The Audio a sample holds; a gen::Error when it is not a valid audio sample.
GEN_API Audio audio_from_sample(const torch::Tensor& data, const Sample& sample);

}  // namespace gen::audio
