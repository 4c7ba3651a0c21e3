// Encoder and decoder of SD's AutoencoderKL (diffusers' Encoder / Decoder with
// DownEncoderBlock2D, UpDecoderBlock2D and UNetMidBlock2D). No time embedding;
// every GroupNorm uses eps 1e-6.
#pragma once
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/normalization.h>
#include <torch/types.h>

#include <gen/export.h>
#include <gen/nn/attention.h>
#include <gen/nn/resample.h>
#include <gen/nn/resnet_block.h>

namespace gen::nn {

struct VaeCoderOptions {
  int64_t in_channels = 3;   // encoder: image channels; decoder: latent channels
  int64_t out_channels = 3;  // encoder: 2 * latent (mean, logvar); decoder: image channels
  std::vector<int64_t> block_out_channels{128, 256, 512, 512};
  int64_t layers_per_block = 2;
  int64_t norm_num_groups = 32;
};

// resnets.0, attentions.0 (single-head self-attention with group_norm and residual), resnets.1
class GEN_API VaeMidBlockImpl : public torch::nn::Module {
 public:
  VaeMidBlockImpl(int64_t channels, int64_t groups);
  torch::Tensor forward(torch::Tensor x);
  torch::nn::ModuleList resnets{nullptr}, attentions{nullptr};
};
TORCH_MODULE(VaeMidBlock);

// resnets.* then optional downsamplers.0 (encoder) / upsamplers.0 (decoder).
class GEN_API VaeLevelImpl : public torch::nn::Module {
 public:
  VaeLevelImpl(int64_t in, int64_t out, int64_t layers, int64_t groups, bool downsample, bool upsample);
  torch::Tensor forward(torch::Tensor x);
  torch::nn::ModuleList resnets{nullptr}, downsamplers{nullptr}, upsamplers{nullptr};
};
TORCH_MODULE(VaeLevel);

class GEN_API VaeEncoderImpl : public torch::nn::Module {
 public:
  explicit VaeEncoderImpl(const VaeCoderOptions& o);
  torch::Tensor forward(const torch::Tensor& image);  // -> [B, out_channels, H/f, W/f]
  torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
  torch::nn::ModuleList down_blocks{nullptr};
  VaeMidBlock mid_block{nullptr};
  torch::nn::GroupNorm conv_norm_out{nullptr};
};
TORCH_MODULE(VaeEncoder);

class GEN_API VaeDecoderImpl : public torch::nn::Module {
 public:
  explicit VaeDecoderImpl(const VaeCoderOptions& o);
  torch::Tensor forward(const torch::Tensor& latent);
  torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
  VaeMidBlock mid_block{nullptr};
  torch::nn::ModuleList up_blocks{nullptr};
  torch::nn::GroupNorm conv_norm_out{nullptr};
};
TORCH_MODULE(VaeDecoder);

}  // namespace gen::nn
