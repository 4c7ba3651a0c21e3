// Text-to-motion evaluation of any motion model on the humans world (`gen eval motion`):
// the first captions of a dataset split are generated through the generation host once
// per sampler and step count, and each set of motions is read by the world's judges
// (motion_judges.h), which never saw a generator: action accuracy, T2M's R-precision,
// FID, diversity and multimodality in the text-motion encoder's space, and the world's
// physics checks (physics_checks.h). Every split also gets the row of real motions —
// the same specs animated afresh, a perfect model's output — as the reference.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <gen/export.h>
#include <gen/humans/action_labels.h>
#include <gen/humans/judge_metrics.h>
#include <gen/humans/labelled_motion.h>
#include <gen/humans/motion_judges.h>
#include <gen/progress.h>
#include <gen/registry.h>

namespace gen::humans {

struct MotionEvaluationSettings {
  std::string model;                        // "" = the motion modality's default model
  std::filesystem::path data;               // a folder written by write_motion_dataset
  std::filesystem::path judges;             // a judge folder; empty = the shipped judges
  std::vector<std::string> splits{"train", "heldout"};
  std::vector<std::string> samplers{""};    // "" = the model's default
  std::vector<int> steps{0};                // 0 = the model's default
  int count = 128;                          // captions per split: the split's first `count`
  int mm_prompts = 16;                      // multimodality: the first mm_prompts captions ...
  int mm_repeats = 5;                       // ... each made this many times (1 = not measured)
  double cfg_scale = -1;                    // < 0 = the model's default; only to plugins reading cfg-scale
  int64_t seed = 0;                         // caption i with seed + i; repeat r of it with seed + r * count + i
  bool baselines = false;                   // also rows of a static pose and of mismatched real motions
  bool generate = true;                     // false: only the reference rows; no model is loaded
};

// What a set of motions, one per case, scored.
struct GEN_API MotionScores {
  int motions = 0;
  ReadingTally readings;                    // the classifier against each case's spec
  RPrecision r_precision;                   // against captions[0], batches of 32
  std::optional<double> fid;                // to the dataset's own motions (at least 2 each)
  double diversity = 0;                     // 300 pairs
  std::optional<double> multimodality;      // when mm_repeats >= 2
  double skating = 0;                       // mean foot skating ratio
  double penetration = 0;                   // mean of each motion's mean depth below the floor (m)
  double penetration_max = 0;               // the deepest frame of any motion (m)
  double jitter = 0;                        // mean jerk (m/s^3)
  struct Miss {
    int index;
    std::string prompt, truth, read;
  };
  std::vector<Miss> misses;                 // motions whose actions were read wrong
  nlohmann::json to_json() const;
};

// Scores `motions[i]` made for `cases[i]` (captions[0]); `repeats[k]` are further motions
// made for case k (multimodality; may be empty); `reference` the embeddings of the real
// motions FID is measured to. UsageError for sizes that do not match.
GEN_API MotionScores score_motions(const MotionJudges& judges, const std::vector<LabelledMotion>& cases,
                                   const std::vector<motion::Motion>& motions,
                                   const std::vector<std::vector<motion::Motion>>& repeats, const torch::Tensor& reference);

// One split x source: sampler "real motions", "static pose" or "mismatched real" (steps 0)
// for the reference and baseline rows, else the sampler and steps the model ran.
struct GEN_API MotionEvaluationRow {
  std::string split;
  std::string sampler;
  int steps = 0;
  MotionScores scores;
  nlohmann::json to_json() const;  // the scores plus split, sampler, steps
};

struct GEN_API MotionEvaluationReport {
  std::string model;   // as resolved by the registry; "" when no model was loaded
  std::string plugin;
  std::string judges;  // the judge folder
  double cfg_scale = -1;
  int count = 0;
  int64_t seed = 0;
  std::vector<MotionEvaluationRow> rows;
  nlohmann::json to_json() const;  // {model, plugin, judges, cfg_scale, count, seed, runs: [row...]}
};

// Throws UsageError for bad counts or splits, InputError for an unreadable dataset or
// judge folder, ModelError when no plugin provides the model or it returns something
// that is not a smpl22 motion. `on_row` sees every row as soon as it is scored;
// `progress` counts the motions a model has made for a row ("generating <split>") and
// may stop the evaluation (gen::Cancelled), also in the middle of a motion.
GEN_API MotionEvaluationReport evaluate_motion_model(const PluginRegistry& registry,
                                                     const MotionEvaluationSettings& settings,
                                                     const std::function<void(const MotionEvaluationRow&)>& on_row = {},
                                                     const ProgressCallback& progress = {});

}  // namespace gen::humans
