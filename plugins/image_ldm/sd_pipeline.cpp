#include "sd_pipeline.h"

#include <optional>

#include <gen/error.h>
#include <gen/guidance.h>
#include <gen/sampling.h>

namespace image_ldm {
namespace {

template <typename Holder>
Holder& loaded(Holder& part, const char* what) {
  if (part.is_empty()) throw gen::Error(std::string("image_ldm: the ") + what + " is not loaded");
  return part;
}

}  // namespace

StableDiffusionPipeline::StableDiffusionPipeline(gen::nn::StableDiffusionModels models,
                                                 gen::nn::ClipTokenizer tokenizer)
    : models_(std::move(models)), tokenizer_(std::move(tokenizer)) {}

PromptEncoding StableDiffusionPipeline::encode_prompt(const std::string& prompt, const std::string& negative,
                                                      int clip_skip, bool with_uncond) {
  auto& clip = loaded(models_.text_encoder, "text encoder");
  return gen::nn::encode_prompts(clip, tokenizer_, models_.sd_version, prompt, negative, clip_skip, with_uncond);
}

torch::Tensor StableDiffusionPipeline::encode_image(const torch::Tensor& images) {
  return loaded(models_.vae, "VAE")->encode_latent(images);
}

torch::Tensor StableDiffusionPipeline::decode(const torch::Tensor& latents) {
  return loaded(models_.vae, "VAE")->decode_latent(latents);
}

CanvasLatents StableDiffusionPipeline::encode_canvas(const Canvas& canvas, int64_t height, int64_t width) {
  CanvasLatents out;
  const int64_t f = vae_factor();
  if (canvas.has_image()) out.init = encode_image(canvas.image);
  if (canvas.has_mask()) out.mask = latent_mask(canvas.mask, f);
  if (inpainting_unet()) {
    // What the inpainting UNet was trained on: the mask, and the image with the masked
    // part blanked (0 = mid grey). No image or no mask means "repaint everything".
    auto mask = canvas.has_mask() ? canvas.mask : torch::ones({1, 1, height, width});
    auto image = canvas.has_image() ? canvas.image : torch::zeros({1, 3, height, width});
    out.concat = torch::cat({latent_mask(mask, f), encode_image(image * (mask < 0.5))}, 1);
  }
  return out;
}

torch::Tensor StableDiffusionPipeline::sample(const PromptEncoding& prompt, const CanvasLatents& canvas,
                                              gen::Sampler& sampler, int64_t height, int64_t width, int64_t seed,
                                              const SampleSettings& s) {
  UNetDenoiser unet(loaded(models_.unet, "UNet"), sampler.prediction_type());
  if (inpainting_unet() && !canvas.concat.defined())
    throw gen::Error("image_ldm: an inpainting UNet needs the canvas latents (encode_canvas)");
  gen::Conditioning cond, uncond;
  cond.context = prompt.cond;
  uncond.context = prompt.uncond;
  cond.concat = uncond.concat = canvas.concat;
  std::optional<gen::ClassifierFreeGuidance> cfg;
  if (prompt.uncond.defined() && s.cfg_scale != 1.0) {
    gen::CfgOptions options;
    options.scale = s.cfg_scale;
    options.rescale = s.guidance_rescale;
    cfg.emplace(unet, uncond, options);
  }
  gen::Denoiser& model = cfg ? static_cast<gen::Denoiser&>(*cfg) : unet;

  gen::SamplingOptions o;
  o.steps = s.steps;
  o.progress = s.progress;
  o.stage = s.stage;
  if (canvas.init.defined()) {
    o.init = canvas.init;
    o.strength = s.strength;
  }
  // Inpainting UNets see the mask as input; ordinary ones keep the known part by blending.
  if (canvas.mask.defined() && !inpainting_unet()) o.mask = canvas.mask;
  if (s.on_preview) {
    o.preview_every = s.preview_every;
    o.on_preview = [&s](int64_t, const torch::Tensor& x0) { s.on_preview(x0); };
  }
  const int64_t f = vae_factor();
  gen::GeneratorNoise noise(static_cast<uint64_t>(seed));
  auto initial = noise.next(torch::empty({1, latent_channels(), height / f, width / f}));
  return gen::sample(model, cond, sampler, initial, noise, o);
}

}  // namespace image_ldm
