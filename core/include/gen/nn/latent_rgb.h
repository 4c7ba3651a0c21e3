// Previews without the VAE: SD's latent channels map almost linearly to RGB.
#pragma once
#include <torch/types.h>

#include <gen/export.h>

namespace gen::nn {

// latent [C, h, w] -> float [3, h * upscale, w * upscale] in about [-1, 1]: the 4x3
// matrix A1111 and ComfyUI use for SD 1.x/2.x latents, a grey view of the channel mean
// for other latent spaces. Costs one small matrix product.
GEN_API torch::Tensor latent_rgb(const torch::Tensor& latent, int64_t upscale = 1);

}  // namespace gen::nn
