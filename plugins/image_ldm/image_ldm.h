// The small pieces of the image_ldm plugin, one concept per .cpp file: request options,
// the pixel canvas (init image, mask, outpainting border), the UNet as a gen::Denoiser
// and the output metadata. The pipeline that ties them together is sd_pipeline.h. The
// checkpoint on disk, prompt encoding, the sampler choice and latent previews are the
// core's (gen/nn/stable_diffusion_checkpoint.h, prompt_encoding.h, checkpoint_sampler.h,
// latent_rgb.h), shared with the video plugin.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include <gen/denoiser.h>
#include <gen/image/image.h>
#include <gen/nn/clip_text_model.h>
#include <gen/nn/clip_tokenizer.h>
#include <gen/nn/prompt_encoding.h>
#include <gen/nn/stable_diffusion_checkpoint.h>
#include <gen/nn/unet2d_condition.h>
#include <gen/request.h>
#include <gen/sampler.h>

namespace image_ldm {

using Checkpoint = gen::nn::StableDiffusionCheckpoint;
using gen::nn::PromptEncoding;

// ---- request_options.cpp: the declared options and request fields, read into LdmOptions.
struct LdmOptions {
  std::string init_image;   // img2img / inpainting / outpainting source
  std::string mask;         // white = repaint
  std::string pad;          // "L,T,R,B" outpainting border in pixels
  double strength = -1;     // < 0: 0.75 for img2img, 1 with a mask or a border
  int preview_every = 0;
  double guidance_rescale = 0.0;
  int clip_skip = 0;        // A1111 convention: 0 or 1 = last layer, 2 = penultimate, ...
  std::optional<gen::PredictionType> prediction_type;  // unset: the checkpoint's
  bool low_memory = false;
  bool composite = true;    // paste the kept pixels of the init image back after inpainting
  std::string tokenizer;    // folder with vocab.json + merges.txt
};

// Throws gen::UsageError for combinations the host cannot see (a mask without an image).
LdmOptions parse_options(const gen::Request& request);
std::vector<gen::OptionSpec> option_specs();
std::vector<std::string> request_inputs();  // the request fields this plugin reads

// ---- default_model.cpp: the embedded default model's folder, or empty if not installed.
std::filesystem::path default_model_dir();
std::vector<std::filesystem::path> default_model_candidates();  // where it is looked for, in order
constexpr const char* kDefaultModelName = "default";

// ---- outpaint.cpp: the --pad border.
struct Padding {
  int64_t left = 0, top = 0, right = 0, bottom = 0;
};
Padding parse_padding(const std::string& text);  // "L,T,R,B"; throws gen::UsageError

// ---- canvas.cpp / inpaint_mask.cpp: what generation starts from, in pixels.
struct Canvas {
  torch::Tensor image;  // [1, 3, H, W] in [-1, 1]; undefined for txt2img
  torch::Tensor mask;   // [1, 1, H, W], 1 = repaint, 0 = keep; undefined = repaint everything
  bool has_image() const { return image.defined(); }
  bool has_mask() const { return mask.defined(); }
  int64_t height() const { return image.size(2); }
  int64_t width() const { return image.size(3); }
};

// Reads --init-image and --mask and applies --pad. Throws gen::UsageError for a mask or
// border without an init image, gen::InputError for unreadable or mismatched files.
Canvas load_canvas(const LdmOptions& options);
// The canvas grown by `pad`: the image edge-replicated, the mask 1 on the new border.
Canvas pad_canvas(const Canvas& canvas, const Padding& pad);
// A mask image as [1, 1, H, W] of 0/1 (threshold at half grey).
torch::Tensor read_mask(const std::filesystem::path& path);
// Pixel mask -> latent mask: a latent cell is repainted when any of its pixels is.
torch::Tensor latent_mask(const torch::Tensor& pixel_mask, int64_t factor);
// The decoded image [1, 3, H, W] with the canvas's kept pixels pasted back exactly.
torch::Tensor composite_kept(const torch::Tensor& decoded, const Canvas& canvas);

// ---- unet_denoiser.cpp: the UNet seen through the core's Denoiser interface.
class UNetDenoiser : public gen::Denoiser {
 public:
  UNetDenoiser(gen::nn::UNet2DConditionModel unet, gen::PredictionType type) : unet_(std::move(unet)), type_(type) {}
  // cond.concat (inpainting UNets: mask + masked-image latents) joins x_t on channels.
  torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) override;
  gen::PredictionType prediction_type() const override { return type_; }

 private:
  gen::nn::UNet2DConditionModel unet_;
  gen::PredictionType type_;
};



// ---- parameters.cpp: what is recorded with every image.
struct ImageRecord {
  std::string prompt, negative_prompt;
  int steps = 0;
  std::string sampler, scheduler;
  double cfg_scale = 0;
  int64_t seed = 0;
  int64_t width = 0, height = 0;
  std::string model_name;
  std::string task;                 // txt2img | img2img | inpaint | outpaint
  std::optional<double> strength;   // img2img-like tasks only
  int clip_skip = 0;
  double guidance_rescale = 0;
  gen::PredictionType prediction_type = gen::PredictionType::epsilon;
};
// The A1111 "parameters" text other tools read ("<prompt>\nNegative prompt: ...\nSteps: ...").
std::string a1111_parameters(const ImageRecord& record);
// What this plugin resolved, for the JSON sidecar (the host adds the request's fields).
nlohmann::json image_metadata(const ImageRecord& record, const Checkpoint& checkpoint);

}  // namespace image_ldm
