#include <gen/nn/temporal_conv.h>

#include <numeric>

#include <torch/nn/functional/activation.h>

#include "nn/nn_util.h"

namespace gen::nn {

int64_t temporal_conv_inner_groups(int64_t norm_num_groups, int64_t inner_width) {
  return std::gcd(norm_num_groups, inner_width);
}

TemporalConvBlockImpl::TemporalConvBlockImpl(int64_t channels, int64_t reduction, int64_t norm_num_groups) {
  using namespace detail;
  const int64_t inner = channels / reduction;
  auto conv = [](int64_t in, int64_t out) {
    return torch::nn::Conv3d(torch::nn::Conv3dOptions(in, out, 3).padding(1));
  };
  norm1 = register_module("norm1", group_norm(norm_num_groups, channels, 1e-6));
  conv1 = register_module("conv1", conv(channels, inner));
  norm2 = register_module("norm2", group_norm(temporal_conv_inner_groups(norm_num_groups, inner), inner, 1e-6));
  conv2 = register_module("conv2", conv(inner, channels));
}

torch::Tensor TemporalConvBlockImpl::forward(const torch::Tensor& x) {
  auto h = conv1(torch::silu(norm1(x)));
  return x + conv2(torch::silu(norm2(h)));
}

}  // namespace gen::nn
