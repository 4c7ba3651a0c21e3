// The image model as parts for other plugins (gen/parts.h): CLIP text encoder, VAE
// codec and UNet denoiser over one loaded pipeline, with the checkpoint's schedule.
// A video or 3D plugin gets them with registry.prior("image_ldm:MODEL").
#include <gen/error.h>

#include "image_ldm.h"
#include "image_prior.h"
#include "sd_pipeline.h"

namespace image_ldm {
namespace {

using Pipeline = std::shared_ptr<StableDiffusionPipeline>;

class ClipConditionEncoder : public gen::ConditionEncoder {
 public:
  explicit ClipConditionEncoder(Pipeline pipe) : pipe_(std::move(pipe)) {}
  gen::PromptConditioning encode(const std::string& prompt, const std::string& negative) override {
    torch::NoGradGuard no_grad;
    const auto states = pipe_->encode_prompt(prompt, negative, 0, true);
    gen::PromptConditioning out;
    out.cond.context = states.cond;
    out.uncond.context = states.uncond;
    return out;
  }

 private:
  Pipeline pipe_;
};

class VaeCodec : public gen::Codec {
 public:
  explicit VaeCodec(Pipeline pipe) : pipe_(std::move(pipe)) {}
  // Differentiable when the images require grad: score distillation pushes its gradient
  // from the latent back through the encoder into whatever rendered the images.
  torch::Tensor encode(const torch::Tensor& images) override {
    check_images(images);
    if (images.requires_grad()) return pipe_->encode_image(images);
    torch::NoGradGuard no_grad;
    return pipe_->encode_image(images);
  }
  torch::Tensor decode(const torch::Tensor& latents) override {
    torch::NoGradGuard no_grad;
    return pipe_->decode(latents);
  }
  std::vector<int64_t> latent_shape(const std::vector<int64_t>& shape) const override {
    const int64_t f = pipe_->vae_factor();
    if (shape.size() != 4 || shape[1] != 3 || shape[2] % f || shape[3] % f)
      throw gen::UsageError("the image codec takes [B, 3, H, W] with H and W multiples of " + std::to_string(f));
    return {shape[0], pipe_->latent_channels(), shape[2] / f, shape[3] / f};
  }
  std::string data_layout() const override { return "float [B, 3, H, W] in [-1, 1]"; }

 private:
  void check_images(const torch::Tensor& images) const {
    std::vector<int64_t> shape(images.sizes().begin(), images.sizes().end());
    latent_shape(shape);
  }
  Pipeline pipe_;
};

}  // namespace

std::shared_ptr<gen::DiffusionPrior> make_image_prior(const Checkpoint& checkpoint) {
  gen::nn::StableDiffusionModels models;
  models.sd_version = checkpoint.sd_version();
  models.unet_config = checkpoint.unet_config();
  models.vae_config = checkpoint.vae_config();
  models.text_encoder = checkpoint.load_text_encoder();
  models.text_config = models.text_encoder->config();
  models.unet = checkpoint.load_unet();
  models.vae = checkpoint.load_vae();
  // Frozen parts: a gradient through them (score distillation) builds no weight gradients.
  for (auto* module : {static_cast<torch::nn::Module*>(models.unet.get()), static_cast<torch::nn::Module*>(models.vae.get()),
                       static_cast<torch::nn::Module*>(models.text_encoder.get())})
    for (auto& p : module->parameters()) p.set_requires_grad(false);
  auto unet = models.unet;
  auto pipe = std::make_shared<StableDiffusionPipeline>(
      std::move(models), gen::nn::ClipTokenizer::from_folder(checkpoint.tokenizer_dir("")));

  auto prior = std::make_shared<gen::DiffusionPrior>();
  prior->name = "image_ldm:" + checkpoint.name();
  prior->schedule = checkpoint.training_schedule();
  prior->encoder = std::make_shared<ClipConditionEncoder>(pipe);
  prior->codec = std::make_shared<VaeCodec>(pipe);
  prior->denoiser = std::make_shared<UNetDenoiser>(unet, prior->schedule.prediction_type);
  const int64_t side = checkpoint.unet_config().sample_size * checkpoint.vae_factor();
  prior->native_data_shape = {1, 3, side, side};
  return prior;
}

}  // namespace image_ldm
