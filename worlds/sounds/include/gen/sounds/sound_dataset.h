// The sounds world's captioned audio dataset on disk (`gen data audio`):
//
//   <dir>/clips/<split>_<index>.wav   16-bit mono WAV, sample_rate, clip_seconds long
//   <dir>/sounds.jsonl                one object per clip: "file" (relative to dir),
//        "caption", "split" ("train"|"heldout"), "kind", "source", "midi" (-1 unpitched),
//        "note" ("" unpitched), "onset", "duration", "loudness", "tempo_bpm", "class"
//   <dir>/dataset.json                "sample_rate", "clip_seconds", "seed", "train_count",
//                                     "heldout_count", "heldout_pairs"
// It is a pure function of the options: the same seed gives the same bytes. Written in a
// temporary sibling folder and renamed, so a failure leaves no half-written dataset.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gen/export.h>
#include <gen/progress.h>
#include <gen/sounds/sound_spec.h>

namespace gen::sounds {

struct SoundDatasetOptions {
  int64_t train_count = 2000;
  int64_t heldout_count = 200;
  uint64_t seed = 0;
  int sample_rate = 16000;
  double clip_seconds = 4.0;
};

struct SoundClip {
  std::string file;     // relative to the dataset's root
  std::string caption;
  std::string split;    // "train" or "heldout"
  SoundSpec spec;
};

struct SoundDataset {
  std::filesystem::path root;
  int sample_rate = 0;
  double clip_seconds = 0;
  std::vector<SoundClip> clips;
};

// Shortens a drawn spec that would not end inside a clip of that length (what the
// writer does to every spec it draws).
GEN_API void fit_to_clip(SoundSpec& spec, double clip_seconds);

// Writes the dataset. gen::UsageError for options out of range (counts, rate 8000..48000,
// clip 1..30 s, onset + duration beyond the clip) or a non-empty output that is not an
// earlier dataset; gen::Error if the folder cannot be written.
GEN_API void write_sound_dataset(const std::filesystem::path& dir, const SoundDatasetOptions& options,
                                 const ProgressCallback& progress);

// Reads dataset.json and sounds.jsonl (not the audio). A missing, truncated or malformed
// file is one gen::InputError naming the file and line.
GEN_API SoundDataset load_sound_dataset(const std::filesystem::path& dir);

// One JSONL line of a clip and its parse (a gen::InputError for a malformed line).
GEN_API std::string sound_clip_json(const SoundClip& clip);
GEN_API SoundClip parse_sound_clip(const std::string& line);

}  // namespace gen::sounds
