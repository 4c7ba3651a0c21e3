#include <gen/nn/resample.h>

#include <torch/nn/functional/upsampling.h>

#include "nn/nn_util.h"

namespace gen::nn {

Downsample2DImpl::Downsample2DImpl(int64_t channels, int64_t padding) : padding_(padding) {
  conv = register_module("conv", detail::conv2d(channels, channels, 3, padding, 2));
}

torch::Tensor Downsample2DImpl::forward(const torch::Tensor& x) {
  if (padding_ == 0) return conv(torch::constant_pad_nd(x, {0, 1, 0, 1}, 0));
  return conv(x);
}

Upsample2DImpl::Upsample2DImpl(int64_t channels) {
  conv = register_module("conv", detail::conv2d(channels, channels, 3, 1));
}

torch::Tensor Upsample2DImpl::forward(const torch::Tensor& x, const std::vector<int64_t>& size) {
  namespace F = torch::nn::functional;
  auto opts = F::InterpolateFuncOptions().mode(torch::kNearest);
  if (size.empty()) opts.scale_factor(std::vector<double>{2.0, 2.0});
  else opts.size(size);
  return conv(F::interpolate(x, opts));
}

}  // namespace gen::nn
