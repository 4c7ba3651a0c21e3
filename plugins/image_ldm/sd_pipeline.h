// Stable Diffusion as a library over already loaded networks, in four stages that
// mirror what runs when: text encoder -> VAE encoder -> UNet sampling -> VAE decoder.
// Callers may load and drop networks between stages (low_memory); a trained default
// model or a trainer plugs in the same way, through StableDiffusionModels.
#pragma once
#include <functional>
#include <string>

#include <torch/types.h>

#include <gen/nn/clip_tokenizer.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/progress.h>
#include <gen/sampler.h>

#include "image_ldm.h"

namespace image_ldm {

// A canvas in latent space (scaled by the VAE's scaling_factor).
struct CanvasLatents {
  torch::Tensor init;    // [1, C, h, w]: img2img start / the kept content for blending
  torch::Tensor mask;    // [1, 1, h, w]: 1 = repaint (latent blending, ordinary UNets)
  torch::Tensor concat;  // [1, 1 + C, h, w]: mask + masked-image latents (inpainting UNets)
};

struct SampleSettings {
  int steps = 20;
  double cfg_scale = 7.5;
  double guidance_rescale = 0.0;
  double strength = 1.0;  // used when the canvas has an init latent
  int preview_every = 0;
  std::function<void(const torch::Tensor& x0)> on_preview;  // scaled latent estimate
  gen::ProgressCallback progress;
  std::string stage = "sampling";
};

class StableDiffusionPipeline {
 public:
  // Parts of `models` may be empty while a stage that needs them is not running.
  StableDiffusionPipeline(gen::nn::StableDiffusionModels models, gen::nn::ClipTokenizer tokenizer);

  gen::nn::StableDiffusionModels& models() { return models_; }
  int64_t vae_factor() const { return models_.vae_config.downsample_factor(); }
  int64_t latent_channels() const { return models_.vae_config.latent_channels; }
  bool inpainting_unet() const { return models_.unet_config.in_channels == 2 * latent_channels() + 1; }

  // Text encoder. `with_uncond` = false when guidance is off (cfg scale 1).
  PromptEncoding encode_prompt(const std::string& prompt, const std::string& negative, int clip_skip,
                               bool with_uncond);
  // VAE encoder: the init image, the latent mask and, for inpainting UNets, their
  // conditioning channels (needed even for txt2img there: an all-repaint mask).
  CanvasLatents encode_canvas(const Canvas& canvas, int64_t height, int64_t width);
  // UNet: one latent [1, C, height/f, width/f] from `seed`; the same seed gives the same latent.
  torch::Tensor sample(const PromptEncoding& prompt, const CanvasLatents& canvas, gen::Sampler& sampler,
                       int64_t height, int64_t width, int64_t seed, const SampleSettings& settings);
  // VAE decoder: scaled latents -> images [B, 3, H, W] in about [-1, 1].
  torch::Tensor decode(const torch::Tensor& latents);
  // VAE encoder: images [B, 3, H, W] in [-1, 1] -> scaled latents (the posterior mean).
  torch::Tensor encode_image(const torch::Tensor& images);

 private:
  gen::nn::StableDiffusionModels models_;
  gen::nn::ClipTokenizer tokenizer_;
};

}  // namespace image_ldm
