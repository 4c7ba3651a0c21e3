// The pieces of the video_temporal plugin, one concept per .cpp file: request options,
// the model on disk (motion adapter + base SD checkpoint), sliding context windows, the
// motion UNet as a gen::Denoiser, the start of a clip (first frame or init clip) and
// the generator that ties them together.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include <gen/denoiser.h>
#include <gen/nn/motion_adapter.h>
#include <gen/nn/stable_diffusion_checkpoint.h>
#include <gen/nn/unet_motion_model.h>
#include <gen/options.h>
#include <gen/request.h>

namespace video_temporal {

constexpr const char* kDefaultModelName = "default";

// ---- video_options.cpp: the declared options, read with the request's video block.
struct VideoOptions {
  std::string base;            // SD-1.x checkpoint under the motion modules; empty = the model's base
  int context_frames = 0;      // frames per motion window; 0 = min(16, the adapter's positions)
  int context_overlap = 4;     // frames shared by neighbouring windows
  int decode_chunk = 16;       // frames per VAE decode
  int preview_every = 0;
  bool low_memory = false;     // one network at a time, cond/uncond in separate passes
  bool composite = true;       // image-to-video: frame 0 is the init image's pixels exactly
  double shared_noise = -1;    // PYoCo's alpha for the starting noise; < 0 = the model's
  double motion_cfg_scale = -1;  // guidance of the motion modules' own text; < 0 = the model's
  std::string tokenizer;
  std::string prompt_end;      // prompt travel: the frames' text goes from -p to this over the clip
  bool auto_travel = true;     // apply the model's prompt_travel.json (or travel_rules) to -p
  std::string travel_rules;    // a user's own rules file, instead of the model's
};
std::vector<gen::OptionSpec> option_specs();
std::vector<std::string> request_inputs();
VideoOptions parse_options(const gen::Request& request);

// ---- video_model.cpp: what -m names, found and opened cheaply (weights load later).
// -m default: assets/default-video (an adapter) on assets/default-image.
// -m ADAPTER: a diffusers MotionAdapter folder (config.json) or .safetensors file, on -O base.
// -m PIPELINE: a diffusers AnimateDiff folder (model_index.json + motion_adapter/).
struct ModelDefaults {     // an optional generation_defaults.json beside the adapter
  int steps = 25;
  double cfg_scale = 7.5;
  double fps = 8;
  int frames = 16;
  std::string sampler;     // empty: the base checkpoint's scheduler
  double shared_noise = 0; // the mixed noise prior the motion modules were trained with (gen/mixed_noise.h)
  double motion_cfg_scale = -1;  // guidance of the modules' own text (ChainedGuidance); < 0 = cfg_scale
};
struct VideoModelFiles {
  std::filesystem::path adapter;  // folder or .safetensors
  std::filesystem::path base;     // SD checkpoint; may be empty: then -O base is required
  // An adapter folder holding text_encoder/ + tokenizer/: the motion modules' own text
  // tower (gen's extension); empty: they read the base's text states.
  std::filesystem::path motion_text;
  std::filesystem::path travel_rules;  // the adapter folder's prompt_travel.json; empty when it has none
  std::string name;
  ModelDefaults defaults;
};
bool looks_like_video_model(const std::string& model);
VideoModelFiles locate_model(const std::string& model);  // throws gen::ModelError
std::vector<std::filesystem::path> default_model_candidates();

// ---- context_windows.cpp: AnimateDiff's sliding context for clips longer than a window.
struct ContextWindow {
  int64_t start = 0, length = 0;
};
// Windows of `length` frames, neighbours sharing `overlap`, covering [0, frames); the
// last one ends at the last frame. One window when frames <= length.
std::vector<ContextWindow> context_windows(int64_t frames, int64_t length, int64_t overlap);
// How much window `w` counts at each of its frames: highest mid-window, so a frame is
// mostly decided by the window that sees most of its neighbours. [length], > 0.
torch::Tensor window_weights(int64_t length);

// ---- motion_denoiser.cpp: the motion UNet through the core's Denoiser interface.
// x_t [B, C, F, h, w]; cond.context [B, M, D] (one text per clip); the motion modules'
// own text states, when they have a tower, in cond.extra["motion_context"].
class MotionDenoiser : public gen::Denoiser {
 public:
  MotionDenoiser(gen::nn::UNetMotionModel model, gen::PredictionType type, int64_t window, int64_t overlap,
                 bool one_clip_at_a_time);
  torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) override;
  gen::PredictionType prediction_type() const override { return type_; }

 private:
  torch::Tensor run(const torch::Tensor& x_t, const torch::Tensor& t, const torch::Tensor& context,
                    const torch::Tensor& motion_context);
  gen::nn::UNetMotionModel model_;
  gen::PredictionType type_;
  int64_t window_, overlap_;
  bool one_clip_at_a_time_;
};

// ---- clip_start.cpp: what -i gives: a first frame or a clip, in [-1, 1].
struct ClipStart {
  torch::Tensor first_frame;  // [3, H, W] image-to-video; undefined otherwise
  torch::Tensor clip;         // [F, 3, H, W] video-to-video; undefined otherwise
  double fps = 0;             // the clip's rate (0 for an image)
  bool has_image() const { return first_frame.defined(); }
  bool has_clip() const { return clip.defined(); }
};
// Reads -i (image by extension .png/.jpg/.jpeg, else a video or a frame folder). Throws
// gen::InputError for unreadable files.
ClipStart load_clip_start(const std::string& path, int frames_wanted);

}  // namespace video_temporal
