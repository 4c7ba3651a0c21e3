#include <gen/nn/latent_rgb.h>

namespace gen::nn {

torch::Tensor latent_rgb(const torch::Tensor& latent, int64_t upscale) {
  auto x = latent.to(torch::kFloat32);  // [C, h, w]
  torch::Tensor rgb;
  if (x.size(0) == 4) {
    const auto factors = torch::tensor({0.3512f, 0.2297f, 0.3227f, 0.3250f, 0.4974f, 0.2350f,  //
                                        -0.2829f, 0.1762f, 0.2721f, -0.2120f, -0.2616f, -0.7177f})
                             .reshape({4, 3});
    rgb = torch::einsum("chw,cr->rhw", {x, factors});
  } else {
    rgb = x.mean(0, true).expand({3, -1, -1});
  }
  if (upscale > 1) rgb = rgb.repeat_interleave(upscale, 1).repeat_interleave(upscale, 2);
  return rgb;
}

}  // namespace gen::nn
