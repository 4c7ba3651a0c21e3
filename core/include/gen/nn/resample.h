// Resolution changes between UNet / VAE levels (diffusers' Downsample2D / Upsample2D
// with use_conv=True; the conv is registered as "conv").
#pragma once
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/types.h>

#include <gen/export.h>

namespace gen::nn {

// 3x3 conv with stride 2. padding 1 (UNet) pads symmetrically inside the conv;
// padding 0 (VAE encoder) pads right/bottom by one first, as the original LDM code did.
class GEN_API Downsample2DImpl : public torch::nn::Module {
 public:
  Downsample2DImpl(int64_t channels, int64_t padding);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Conv2d conv{nullptr};

 private:
  int64_t padding_;
};
TORCH_MODULE(Downsample2D);

// Nearest-neighbour x2 (or to `size` when the skip connection has an odd size), then 3x3 conv.
class GEN_API Upsample2DImpl : public torch::nn::Module {
 public:
  explicit Upsample2DImpl(int64_t channels);
  torch::Tensor forward(const torch::Tensor& x, const std::vector<int64_t>& size = {});

  torch::nn::Conv2d conv{nullptr};
};
TORCH_MODULE(Upsample2D);

}  // namespace gen::nn
