// Score distillation judged from its renders (`gen eval 3d --sds`): each prompt — a
// shapes-world caption such as "a red circle on a blue background" — is distilled
// through the generation host (`gen 3d --sds`, so through whatever image prior the
// request names), the resulting splats are rendered from `views` orbit views evenly
// spaced in azimuth against the background the critic saw last, and the shapes world's
// pixel analyser (gen/shapes/shape_analysis.h, which shares nothing with any generator)
// reads each view. A view counts when it shows the prompt's colour and shape.
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <gen/export.h>
#include <gen/progress.h>
#include <gen/registry.h>
#include <gen/request.h>

namespace gen::solids {

struct SdsEvaluationSettings {
  std::vector<std::string> prompts{"a red circle on a blue background"};
  int seeds = 1;                       // runs per prompt, with seeds seed, seed + 1, ...
  int64_t seed = 0;
  int views = 8;
  double elevation_deg = 15;           // inside the views the critic was shown (-10 to 40)
  Request base;                        // the 3D request (prior, steps, options); sds is set
  std::filesystem::path save_views;    // if set, a PNG strip of each run's views goes here
};

// What the analyser read in one view.
struct SdsView {
  double azimuth_deg = 0;
  std::string shape, color;            // of the largest object; "" when none was found
  bool color_ok = false, shape_ok = false;
};

struct GEN_API SdsEvaluationRow {
  std::string prompt;
  int64_t seed = 0;
  std::string wanted_shape, wanted_color;
  double seconds = 0;                  // the distillation's wall time
  std::vector<SdsView> views;
  double color() const;                // fractions of the views
  double shape() const;
  double color_and_shape() const;
  nlohmann::json to_json() const;
};

struct GEN_API SdsEvaluationReport {
  std::vector<SdsEvaluationRow> rows;
  double color_and_shape() const;      // over every view of every run
  nlohmann::json to_json() const;
};

// UsageError for a prompt without a shapes-world colour and shape, or bad settings; what
// the plugin or the prior throws passes through.
GEN_API SdsEvaluationReport evaluate_sds(const PluginRegistry& registry, const SdsEvaluationSettings& settings,
                                         const std::function<void(const SdsEvaluationRow&)>& on_row = {},
                                         const ProgressCallback& progress = {});

}  // namespace gen::solids
