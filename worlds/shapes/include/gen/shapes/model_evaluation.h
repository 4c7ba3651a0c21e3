// Prompt adherence of an image model on the shapes world: the prompts of a dataset
// split are generated through the generation host (gen/generation.h) once per sampler
// and step count, and each set is judged by the pixel analyser and, given a CLIP
// folder, the CLIP score and the Fréchet distance to the real images. Any plugin of
// the image modality can be evaluated; `gen eval image` prints the rows as they come.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <gen/export.h>
#include <gen/registry.h>
#include <gen/shapes/prompt_adherence.h>

namespace gen::shapes {

struct EvaluationSettings {
  std::string model;                    // "" = the image modality's default model
  std::filesystem::path data;           // a folder written by write_shapes_dataset
  std::filesystem::path clip;           // clip_vision/, text_encoder/, tokenizer/; empty = no CLIP metrics
  std::vector<std::string> splits{"train", "heldout"};
  std::vector<std::string> samplers{"ddim", "euler", "dpmpp_2m"};
  std::vector<int> steps{5, 10, 25, 50};
  int count = 100;                      // prompts per split
  double cfg_scale = 5.0;               // passed only to plugins that read cfg-scale
  int64_t seed = 0;                     // prompt i is generated with seed + i
  // Also score the real images and their autoencoder round trip: the ceilings for a model.
  bool baselines = false;
  std::filesystem::path save_images;    // write every scored image here; empty = nowhere
};

// One split x sampler x step count. The baselines are rows with sampler "real images"
// (steps 0) and "autoencoder" (steps 1).
struct GEN_API EvaluationRow {
  std::string split;
  std::string sampler;
  int steps = 0;
  AdherenceReport result;
  nlohmann::json to_json() const;  // the report's fields plus split, sampler, steps
};

struct GEN_API EvaluationReport {
  std::string model;   // as resolved by the registry ("" = the plugin's default)
  std::string plugin;
  double cfg_scale = 0;
  int count = 0;
  int64_t seed = 0;
  std::vector<EvaluationRow> rows;
  nlohmann::json to_json() const;  // {model, plugin, cfg_scale, count, seed, runs: [row...]}
};

// Throws UsageError for a bad count or split, InputError for an unreadable dataset or
// CLIP folder, ModelError when no plugin provides the model. `on_row` sees every row
// as soon as it is scored (an evaluation takes minutes to hours).
GEN_API EvaluationReport evaluate_prompt_adherence(const PluginRegistry& registry, const EvaluationSettings& settings,
                                                  const std::function<void(const EvaluationRow&)>& on_row = {});

}  // namespace gen::shapes
