// Training the humans world's motion judges (`gen eval motion --train-judges DIR`): the
// action classifier and the contrastive text-motion encoder learn from the real motions
// of a `gen data motion` folder — both of its splits: the held-out split is held out
// from generators, and a judge must know those combinations to recognise them — and are
// then checked, as saved (F16), on fresh real motions of both splits that no dataset holds.
// A pure function of the dataset, the options and the thread count.
#pragma once
#include <cstdint>
#include <filesystem>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <gen/export.h>
#include <gen/humans/judge_validation.h>
#include <gen/progress.h>

namespace gen::humans {

struct JudgeTrainingOptions {
  std::filesystem::path data;    // a folder written by write_motion_dataset
  std::filesystem::path output;  // the judge folder written (motion_judges.h)
  uint64_t seed = 0;
  int steps = 3000;              // optimiser steps of each judge
  int batch = 64;                // motions per step
  double lr = 2e-3;              // AdamW peak learning rate (warm-up, then cosine decay)
  int validation = 256;          // fresh real motions per split the saved judges are checked on
};

struct GEN_API JudgeTrainingReport {
  int64_t motions = 0;           // training motions
  int64_t parameters = 0;
  double seconds = 0;            // training and validation, wall time
  std::vector<JudgeValidation> validation;  // "train" and "heldout" distributions
  nlohmann::json to_json() const;
};

// Throws UsageError for options out of range, InputError for an unreadable dataset;
// the progress callback may stop the training (gen::Cancelled), leaving no judge folder.
GEN_API JudgeTrainingReport train_motion_judges(const JudgeTrainingOptions& options, const ProgressCallback& progress = {});

}  // namespace gen::humans
