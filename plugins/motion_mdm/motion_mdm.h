// The pieces of the motion_mdm plugin, one concept per .cpp file: request options, the
// model on disk, MDM as a gen::Denoiser, the editing masks, the motion being edited and
// the generator that ties them together.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include <gen/denoiser.h>
#include <gen/motion/feature_normalizer.h>
#include <gen/motion/motion.h>
#include <gen/nn/clip_text_embedder.h>
#include <gen/nn/clip_tokenizer.h>
#include <gen/nn/mdm.h>
#include <gen/options.h>
#include <gen/request.h>
#include <gen/schedule.h>
#include <gen/travel_rules.h>

namespace motion_mdm {

constexpr const char* kDefaultModelName = "default";

// ---- motion_options.cpp: the declared -O options and the request fields read.
struct MotionOptions {
  std::string text_encoder;    // CLIP text tower folder (transformers layout), for MDM files
  std::string tokenizer;       // vocab.json + merges.txt folder; default: beside the text encoder
  std::string normalizer;      // mean/std: .safetensors, or a folder with Mean.npy and Std.npy
  int train_timesteps = 0;     // the diffusion steps the model was trained with (0 = the model's)
  int heads = 0;               // attention heads of a bare MDM file (0 = MDM's 4)
  bool mask_frames = false;    // a bare MDM file trained with mask_frames
  bool auto_travel = true;     // apply the model's prompt_travel.json (or travel_rules) to -p
  std::string travel_rules;    // a user's own rules file, instead of the model's
};
std::vector<gen::OptionSpec> option_specs();
std::vector<std::string> request_inputs();
MotionOptions parse_options(const gen::Request& request);

// ---- motion_model.cpp: what -m names, and the loaded parts.
// A model folder: mdm/ (MDM config.json + model.safetensors), text_encoder/, tokenizer/,
// normalizer.safetensors, scheduler/scheduler_config.json, generation_defaults.json.
// Or one MDM .safetensors file (MDM's names) with -O text_encoder and -O normalizer.
struct ModelDefaults {
  int steps = 50;
  double cfg_scale = 2.5;
  double duration = 4.0;       // seconds
  std::string sampler = "ddim";
  int max_frames = 196;        // the longest clip the model was trained on
};
struct MotionModel {
  std::string name;
  gen::nn::MdmTransformer network{nullptr};
  gen::nn::ClipTextEmbedder text_encoder{nullptr};
  std::optional<gen::nn::ClipTokenizer> tokenizer;
  gen::motion::FeatureNormalizer normalizer;
  gen::SchedulerConfig schedule;
  ModelDefaults defaults;
  double fps = 20;             // HumanML3D's rate
  std::filesystem::path travel_rules;  // the folder's prompt_travel.json; empty when it has none
};
bool looks_like_motion_model(const std::string& model);
// Loads everything -m names (with the options a bare MDM file needs). Throws
// gen::ModelError for a missing or mismatched part.
MotionModel load_motion_model(const std::string& model, const MotionOptions& options);
// MDM's schedule: cosine betas (squaredcos_cap_v2), x0 prediction.
gen::SchedulerConfig mdm_schedule(int train_timesteps);
ModelDefaults read_generation_defaults(const std::filesystem::path& file);

// ---- text_condition.cpp: a caption as MDM's condition.
// [B, L] true for the real tokens of EOS-padded ids (up to and including the first EOS).
torch::Tensor text_token_mask(const torch::Tensor& ids, int64_t eos_id);
// ids [B, L] through the tower: pooled [B, dim]; with `tokens` (an MDM with
// text_tokens_dim) also context = the per-token states [B, L, hidden] and
// extra["text_mask"].
gen::Conditioning text_condition(gen::nn::ClipTextEmbedderImpl& tower, const torch::Tensor& ids, int64_t eos_id,
                                 bool tokens);
// The unconditional condition shaped like `cond` (one row): a zero text feature, zero
// states and every token hidden.
gen::Conditioning null_text_condition(const gen::Conditioning& cond);

// [frames, clip_dim]: each frame's text feature, the keyframe prompts' pooled features
// `pooled` [K, clip_dim] blended by gen::keyframe_weights.
torch::Tensor frame_text_features(const std::vector<gen::TravelKeyframe>& keyframes, const torch::Tensor& pooled,
                                  int64_t frames);

// ---- mdm_denoiser.cpp: MDM through the core's Denoiser interface.
// x_t [B, 263, F] (normalized features, MDM's nfeats axis dropped); cond.pooled [B, clip_dim];
// for text tokens cond.context [B, L, text_tokens_dim] and cond.extra["text_mask"]; per-frame
// text (a sequence's parts over their frames) in cond.extra["frame_text"] [B, F, clip_dim].
class MdmDenoiser : public gen::Denoiser {
 public:
  explicit MdmDenoiser(gen::nn::MdmTransformer network) : network_(std::move(network)) {}
  torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) override;
  gen::PredictionType prediction_type() const override { return gen::PredictionType::sample; }

 private:
  gen::nn::MdmTransformer network_;
};

// ---- edit_mask.cpp: which features an edit keeps.
// "N" keeps the first and last N frames, "A:B" the first A and the last B. Throws gen::UsageError.
std::pair<int64_t, int64_t> parse_keep_frames(const std::string& spec, int64_t frames);
// "upper", "lower" or comma-separated smpl22 joint names -> joint indices. Throws gen::UsageError.
std::vector<int64_t> parse_keep_joints(const std::string& spec);
// The HumanML3D feature indices that belong to `joints` (joint 0, the pelvis, owns the
// root's velocity and height; ankles and feet own their contact labels).
std::vector<int64_t> joint_feature_indices(const std::vector<int64_t>& joints);
// The sampling loop's mask [1, 263, F]: 1 = generated, 0 = kept from the input.
torch::Tensor edit_mask(int64_t frames, std::pair<int64_t, int64_t> kept_frames, const std::vector<int64_t>& kept_joints);

// ---- motion_start.cpp: the motion -i names, prepared for editing.
struct MotionStart {
  torch::Tensor positions;     // the input at the model's rate, canonicalized as HumanML3D does [F, 22, 3]
  torch::Tensor features;      // its HumanML3D features, normalized [263, F - 1]
  // From the canonical frame back to the input's: p = rotation(yaw) * c + translation.
  double yaw = 0;
  torch::Tensor translation;   // [3]
};
MotionStart load_motion_start(const std::string& path, double fps, const gen::motion::FeatureNormalizer& normalizer);
// Canonical positions [F, J, 3] back into the input's frame.
torch::Tensor to_input_frame(const MotionStart& start, const torch::Tensor& positions);
// Linear resampling in time of positions [F, J, 3] from one rate to another.
torch::Tensor resample_positions(const torch::Tensor& positions, double from_fps, double to_fps);

}  // namespace motion_mdm
