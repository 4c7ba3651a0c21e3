// The three kinds of UNet stages (diffusers names): a down block (CrossAttnDownBlock2D
// when it has attention, else DownBlock2D), the cross-attention mid block
// (UNetMidBlock2DCrossAttn) and an up block (CrossAttnUpBlock2D / UpBlock2D).
// Submodules are registered as resnets.i, attentions.i, downsamplers.0, upsamplers.0.
#pragma once
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/types.h>

#include <gen/export.h>
#include <gen/nn/resample.h>
#include <gen/nn/resnet_block.h>
#include <gen/nn/transformer_2d.h>

namespace gen::nn {

struct UNetBlockOptions {
  int64_t in_channels = 0;
  int64_t out_channels = 0;
  int64_t prev_output_channels = 0;  // up blocks: channels coming from the level below
  int64_t temb_channels = 0;
  int64_t layers = 2;                // resnets (up blocks are built with layers_per_block + 1)
  bool has_attention = false;
  bool add_resample = false;         // downsampler / upsampler at the end
  int64_t downsample_padding = 1;
  int64_t groups = 32;
  double eps = 1e-5;
  TransformerOptions transformer;    // channels are filled in per block
};

class GEN_API UNetDownBlockImpl : public torch::nn::Module {
 public:
  explicit UNetDownBlockImpl(const UNetBlockOptions& o);
  // Returns the output and appends every intermediate state to `skips`.
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context,
                        std::vector<torch::Tensor>& skips);

  torch::nn::ModuleList resnets{nullptr}, attentions{nullptr}, downsamplers{nullptr};
};
TORCH_MODULE(UNetDownBlock);

class GEN_API UNetMidBlockImpl : public torch::nn::Module {
 public:
  explicit UNetMidBlockImpl(const UNetBlockOptions& o);  // uses in_channels, layers = attention layers
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context);

  torch::nn::ModuleList resnets{nullptr}, attentions{nullptr};
};
TORCH_MODULE(UNetMidBlock);

class GEN_API UNetUpBlockImpl : public torch::nn::Module {
 public:
  explicit UNetUpBlockImpl(const UNetBlockOptions& o);
  // Consumes `layers` skip states from the back of `skips`.
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context,
                        std::vector<torch::Tensor>& skips);

  torch::nn::ModuleList resnets{nullptr}, attentions{nullptr}, upsamplers{nullptr};
};
TORCH_MODULE(UNetUpBlock);

// An up block's closing upsample (when it has one), sized to the next skip state so odd
// latent sizes round-trip (diffusers' upsample_size). Shared by the image and motion UNets.
GEN_API torch::Tensor upsample_to_next_skip(torch::nn::ModuleList upsamplers, const torch::Tensor& x,
                                            const std::vector<torch::Tensor>& skips);

}  // namespace gen::nn
