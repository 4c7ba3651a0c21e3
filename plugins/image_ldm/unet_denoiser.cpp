#include "image_ldm.h"

namespace image_ldm {

torch::Tensor UNetDenoiser::predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) {
  // diffusers' StableDiffusionInpaintPipeline order: latents, mask, masked-image latents.
  const auto input = cond.concat.defined() ? torch::cat({x_t, cond.concat.to(x_t.scalar_type())}, 1) : x_t;
  return unet_->forward(input, t, cond.context);
}

}  // namespace image_ldm
