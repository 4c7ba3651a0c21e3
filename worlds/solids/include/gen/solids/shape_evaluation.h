// Text-to-3D evaluation of any 3D model on the solids world (`gen eval 3d -m`): the first
// captions of a dataset split are generated through the generation host once per sampler
// and step count; the world's judges (solid_judges.h), which never saw a generator, read
// shape, colour, size and aspect, and the set metrics (MMD-CD, COV, 1-NNA) compare the
// generated clouds with the split's real clouds of the same captions. Every split also
// gets the real row: the judges on the real clouds, the set metrics between their halves.
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <gen/export.h>
#include <gen/progress.h>
#include <gen/registry.h>
#include <gen/shape3d/point_metrics.h>
#include <gen/solids/solid_judges.h>

namespace gen::solids {

struct ShapeEvaluationSettings {
  std::string model;                        // "" = the 3d modality's default model
  std::filesystem::path data;               // a `gen data 3d` folder
  std::filesystem::path judges;             // a judge folder; empty = the shipped judges
  std::vector<std::string> splits{"train", "heldout"};
  std::vector<std::string> samplers{""};    // "" = the model's default
  std::vector<int> steps{0};                // 0 = the model's default
  int count = 100;                          // captions per split: the split's first `count`
  double cfg_scale = -1;                    // < 0 = the model's default
  int64_t seed = 0;                         // caption i with seed + i
  bool generate = true;                     // false: only the real rows; no model is loaded
};

// One split x source: sampler "real" (steps 0) for the reference row.
struct GEN_API ShapeEvaluationRow {
  std::string split;
  std::string sampler;
  int steps = 0;
  SolidScores scores;
  shape3d::SetMetrics metrics;
  double seconds_per_shape = 0;             // generation wall time (0 for the real row)
  nlohmann::json to_json() const;
};

struct GEN_API ShapeEvaluationReport {
  std::vector<ShapeEvaluationRow> rows;
  nlohmann::json to_json() const;           // settings, the judges' config, the rows
  std::string model;
  std::filesystem::path data;
  nlohmann::json judges;
};

// `on_row` sees each row as soon as it is scored. UsageError for bad settings; InputError
// for a dataset with fewer than 4 clouds in a split; what the plugin throws passes through.
GEN_API ShapeEvaluationReport evaluate_shape_model(const PluginRegistry& registry, const ShapeEvaluationSettings& settings,
                                                   const std::function<void(const ShapeEvaluationRow&)>& on_row = {},
                                                   const ProgressCallback& progress = {});

}  // namespace gen::solids
