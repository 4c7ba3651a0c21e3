// Prompt adherence of generated shape images, judged by the pixel analyser
// (shape_analysis.h), the CLIP score and the Fréchet distance to real images in the
// CLIP image space. model_evaluation.h drives it over samplers and step counts.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <gen/export.h>
#include <gen/shapes/clip_scorer.h>
#include <gen/shapes/shape_analysis.h>
#include <gen/shapes/shapes_dataset.h>

namespace gen::shapes {

struct EvalCase {
  ShapeScene scene;
  std::string prompt;  // the canonical phrasing (caption_scene(scene, 0))
  image::Image real;   // the dataset image of the scene
};

// The first n scenes of a dataset split.
GEN_API std::vector<EvalCase> eval_cases(const std::filesystem::path& data_dir, const std::string& split, int n);

// What the analyser read in one generated image, next to what its prompt asked for.
struct ImageVerdict {
  std::string prompt;
  AdherenceCheck check;
  SceneAnalysis found;
};

struct GEN_API AdherenceReport {
  int images = 0;
  double color = 0, shape = 0, color_and_shape = 0, count = 0, position = 0, background = 0;  // fractions
  std::optional<double> clip_score;  // mean 100 * cos(image, prompt)
  std::optional<double> frechet;     // generated vs real images, CLIP image features
  std::vector<ImageVerdict> verdicts;  // one per image, in order
  // The fractions, and under "failures" every image that missed an attribute.
  nlohmann::json to_json() const;
};

// `generated[i]` was made from `cases[i].prompt`. The scorer is optional.
GEN_API AdherenceReport score_generated(const std::vector<image::Image>& generated,
                                        const std::vector<EvalCase>& cases,
                                        ClipScorer* scorer);

}  // namespace gen::shapes
