// Training the audio judges (`gen eval audio --train-judges DIR`): the source/loudness
// classifier learns from the real clips of a `gen data audio` folder — both splits: the
// held-out split is held out from generators, and a judge must know those combinations to
// recognise them — with random gain, time shifts and a noise floor so that it reads a
// model's imperfect clips as it reads real ones. The saved judges (F16) are then checked,
// with YIN and the timing measures, on fresh real renders of both splits that no dataset
// holds. A pure function of the dataset, the options and the thread count.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <gen/export.h>
#include <gen/progress.h>
#include <gen/sounds/sound_scores.h>

namespace gen::sounds {

struct SoundJudgeTrainingOptions {
  std::filesystem::path data;    // a `gen data audio` folder
  std::filesystem::path output;  // the judge folder written (sound_judges.h)
  uint64_t seed = 0;
  int steps = 1500;              // optimiser steps
  int batch = 32;                // clips per step
  double lr = 2e-3;              // AdamW peak learning rate (warm-up, then cosine decay)
  int validation = 200;          // fresh real renders per split the saved judges are checked on
};

struct GEN_API SoundJudgeValidation {
  std::string split;
  SoundScores scores;
};

struct GEN_API SoundJudgeTrainingReport {
  int64_t clips = 0;             // training clips
  int64_t parameters = 0;
  double seconds = 0;            // training and validation, wall time
  std::vector<SoundJudgeValidation> validation;  // "train" and "heldout" distributions
  nlohmann::json to_json() const;
};

// Throws UsageError for options out of range, InputError for an unreadable dataset;
// the progress callback may stop the training (gen::Cancelled), leaving no judge folder.
GEN_API SoundJudgeTrainingReport train_sound_judges(const SoundJudgeTrainingOptions& options,
                                                    const ProgressCallback& progress = {});

// `count` fresh specs of a split (never in a dataset of any seed: their own salt), fitted
// to clips of `clip_seconds`, and their renders: what the judges are validated on.
struct GEN_API FreshSounds {
  std::vector<SoundSpec> specs;
  std::vector<gen::audio::Audio> clips;
};
GEN_API FreshSounds fresh_sounds(const std::string& split, int count, uint64_t seed, int sample_rate, double clip_seconds);

}  // namespace gen::sounds
