// The pieces of the points3d plugin, one concept per .cpp file: the request's options,
// the model on disk, the network as a gen::Denoiser, the codec between clouds and the
// diffusion space, and the generator that ties them together.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include <gen/denoiser.h>
#include <gen/guidance.h>
#include <gen/nn/clip_text_model.h>
#include <gen/nn/clip_tokenizer.h>
#include <gen/nn/unet2d_condition.h>
#include <gen/options.h>
#include <gen/request.h>
#include <gen/schedule.h>

#include "height_field.h"
#include "point_transformer.h"
#include "sds_optimizer.h"

namespace points3d {

constexpr const char* kDefaultModelName = "default";

// ---- point_options.cpp: what a request may set, checked before any work.
std::vector<gen::OptionSpec> option_specs();
std::vector<std::string> request_inputs();
// gen::UsageError for --mesh / --render files gen cannot write, --views without --render,
// --prior without --sds, sampling flags with --sds.
void check_request(const gen::Request& request);
// --sds: the request's points, steps (iterations), CFG scale, seed and -O sds_* options.
SdsSettings sds_settings(const gen::Request& request);

// ---- point_model.cpp: what -m names, and the loaded parts.
// A model folder: the network — transformer/ (config.json + model.safetensors) for a
// point transformer, or unet/ (a diffusers UNet2DConditionModel) with height_field/
// config.json for a height-field model (height_field.h) — and text_encoder/ (a
// transformers CLIPTextModel folder), tokenizer/ (vocab.json + merges.txt),
// scheduler/scheduler_config.json, generation_defaults.json.
struct ModelDefaults {
  int steps = 50;
  double cfg_scale = 3.0;
  std::string sampler = "ddim";
  int points = 1024;
  // Guidance rescale (Lin et al. 2023) and the guidance interval, as fractions of the
  // schedule (Kynkaanniemi et al. 2024): CFG's push, needed for the shape, also
  // stretches the proportions (a tall cube at CFG 1.5 comes out 12% taller).
  double guidance_rescale = 0;
  double guidance_min = 0, guidance_max = 1;
};
struct PointModel {
  std::string name;
  PointTransformer network{nullptr};          // a point transformer, or
  gen::nn::UNet2DConditionModel unet{nullptr};  // a height-field UNet with
  std::optional<HeightFieldConfig> height_field;
  gen::nn::ClipTextModel text_encoder{nullptr};
  std::optional<gen::nn::ClipTokenizer> tokenizer;
  gen::SchedulerConfig schedule;
  ModelDefaults defaults;
};
bool looks_like_point_model(const std::string& model);
// point_options.cpp: CFG at `scale` with the request's -O guidance_* or else the model's,
// the interval turned into timesteps of a `train_timesteps` schedule.
gen::CfgOptions cfg_options(const gen::Request& request, const ModelDefaults& defaults, double scale, int train_timesteps);
// gen::ModelError for a missing or mismatched part.
PointModel load_point_model(const std::string& model);
ModelDefaults read_generation_defaults(const std::filesystem::path& file);
// The network's prediction for x_t [B, ...] at t given the caption's token states.
torch::Tensor predict(PointModel& model, const torch::Tensor& x_t, const torch::Tensor& t, const torch::Tensor& text);
// Point-E's cosine schedule (squaredcos_cap_v2), here over 1000 training steps.
gen::SchedulerConfig point_schedule(gen::PredictionType prediction);
// The folder layout above, F16 weights (what training writes).
void save_point_model(const std::filesystem::path& dir, const PointTransformer& network,
                      const gen::nn::ClipTextModel& text, const std::filesystem::path& tokenizer,
                      const gen::SchedulerConfig& schedule, const nlohmann::json& defaults);
void save_height_field_model(const std::filesystem::path& dir, const gen::nn::UNet2DConditionModel& unet,
                             const HeightFieldConfig& field, const gen::nn::ClipTextModel& text,
                             const std::filesystem::path& tokenizer, const gen::SchedulerConfig& schedule,
                             const nlohmann::json& defaults);

// ---- text_states.cpp: captions -> the per-token states the network attends to.
torch::Tensor caption_ids(const gen::nn::ClipTokenizer& tokenizer, const gen::nn::ClipTextModel& text,
                          const std::vector<std::string>& captions);
torch::Tensor text_states(gen::nn::ClipTextModel text, const torch::Tensor& ids);

// ---- point_codec.cpp: clouds <-> diffusion space.
// float [N, 3|6] (xyz, rgb in [0, 1]) -> [1, channels, N]: xyz / scale, 2 rgb - 1.
torch::Tensor encode_points(const torch::Tensor& points, const PointTransformerConfig& config);
// The inverse, colours clamped to [0, 1]: [channels, N] -> [N, channels].
torch::Tensor decode_points(const torch::Tensor& latent, const PointTransformerConfig& config);

// ---- point_denoiser.cpp: the model's network through the core's Denoiser interface.
// x_t [B, channels, N] (points) or [B, 6, G, G] (a height field); cond.context
// [B, L, text_dim] (the caption's token states).
class PointDenoiser : public gen::Denoiser {
 public:
  PointDenoiser(PointModel& model, gen::PredictionType prediction) : model_(model), prediction_(prediction) {}
  torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) override;
  gen::PredictionType prediction_type() const override { return prediction_; }

 private:
  PointModel& model_;
  gen::PredictionType prediction_;
};

}  // namespace points3d
