// A residual 3x3x3 convolution block over a clip's frames (VideoLDM's 3D convolutions
// beside temporal attention), gen's extension to AnimateDiff's motion module.
// AnimateDiff's temporal attention sees one latent pixel's history only; an object that
// moves needs each pixel to see where its neighbours were a frame before, which a
// kernel spanning space and time reads directly.
//   x [B, C, F, H, W] -> x + conv2(silu(norm2(conv1(silu(norm1(x))))))
// conv1: C -> C / reduction, conv2 back to C; both 3x3x3, zero-padded in time and space.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/normalization.h>
#include <torch/types.h>

#include <gen/export.h>

namespace gen::nn {

// The inner width's norm groups: the largest count dividing both the module's groups and
// the width, so any reduction that divides the channels builds.
GEN_API int64_t temporal_conv_inner_groups(int64_t norm_num_groups, int64_t inner_width);

class GEN_API TemporalConvBlockImpl : public torch::nn::Module {
 public:
  TemporalConvBlockImpl(int64_t channels, int64_t reduction, int64_t norm_num_groups);
  torch::Tensor forward(const torch::Tensor& x);  // [B, C, F, H, W] -> the same shape

  torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};
  torch::nn::Conv3d conv1{nullptr}, conv2{nullptr};
};
TORCH_MODULE(TemporalConvBlock);

}  // namespace gen::nn
