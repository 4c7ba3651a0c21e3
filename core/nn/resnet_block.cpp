#include <gen/nn/resnet_block.h>

#include <torch/nn/functional/activation.h>

#include "nn/nn_util.h"

namespace gen::nn {

ResnetBlock2DImpl::ResnetBlock2DImpl(const ResnetBlockOptions& o) {
  using namespace detail;
  norm1 = register_module("norm1", group_norm(o.groups, o.in_channels, o.eps));
  conv1 = register_module("conv1", conv2d(o.in_channels, o.out_channels, 3, 1));
  if (o.temb_channels > 0) time_emb_proj = register_module("time_emb_proj", linear(o.temb_channels, o.out_channels));
  norm2 = register_module("norm2", group_norm(o.groups, o.out_channels, o.eps));
  conv2 = register_module("conv2", conv2d(o.out_channels, o.out_channels, 3, 1));
  if (o.in_channels != o.out_channels)
    conv_shortcut = register_module("conv_shortcut", conv2d(o.in_channels, o.out_channels, 1, 0));
}

torch::Tensor ResnetBlock2DImpl::forward(const torch::Tensor& x, const torch::Tensor& temb) {
  auto h = conv1(torch::silu(norm1(x)));
  if (time_emb_proj && temb.defined()) {
    // The embedding is added per channel, broadcast over the spatial dims.
    h = h + time_emb_proj(torch::silu(temb)).unsqueeze(-1).unsqueeze(-1);
  }
  h = conv2(torch::silu(norm2(h)));  // dropout is identity at inference
  auto shortcut = conv_shortcut ? conv_shortcut(x) : x;
  return shortcut + h;
}

}  // namespace gen::nn
