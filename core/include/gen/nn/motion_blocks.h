// The UNet stages of diffusers' UNetMotionModel (CrossAttnDownBlockMotion /
// DownBlockMotion, UNetMidBlockCrossAttnMotion, CrossAttnUpBlockMotion / UpBlockMotion):
// the image UNet's stage with a motion module (TransformerTemporalModel) after each layer.
// Each wraps an existing UNetDownBlock / UNetMidBlock / UNetUpBlock and registers that
// block's resnets, attentions and resamplers under the same names (shared, not copied),
// plus `motion_modules.i`. Inputs are frame batches [B*F, C, H, W].
#pragma once
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/types.h>

#include <gen/export.h>
#include <gen/nn/transformer_temporal.h>
#include <gen/nn/unet_blocks.h>

namespace gen::nn {

// The motion modules of one stage (diffusers' MotionModules: `motion_modules.i`), all
// `options.channels` wide. The motion adapter is made of these.
GEN_API torch::nn::ModuleList make_motion_modules(const TemporalTransformerOptions& options, int64_t count);

// What a stage's layers attend to: the image layers' text states [B*F, M, D] (one per
// frame) and the motion modules' [B, M', D'] or [B*F, M', D'] — the same states unless
// the motion modules have a text tower of their own (gen's extension).
struct MotionContext {
  torch::Tensor spatial, motion;
};

// resnet -> (cross-attention) -> motion module, per layer; then the downsampler.
class GEN_API MotionDownBlockImpl : public torch::nn::Module {
 public:
  MotionDownBlockImpl(const UNetDownBlock& spatial, const TemporalTransformerOptions& temporal);
  // Returns the output and appends every intermediate state to `skips`.
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& temb, const MotionContext& context,
                        std::vector<torch::Tensor>& skips, int64_t num_frames);

  torch::nn::ModuleList resnets{nullptr}, attentions{nullptr}, motion_modules{nullptr}, downsamplers{nullptr};
};
TORCH_MODULE(MotionDownBlock);

// resnet, then per layer: cross-attention -> motion module -> resnet (diffusers' order:
// the motion module sits between the attention and the resnet it is paired with).
class GEN_API MotionMidBlockImpl : public torch::nn::Module {
 public:
  MotionMidBlockImpl(const UNetMidBlock& spatial, const TemporalTransformerOptions& temporal);
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& temb, const MotionContext& context, int64_t num_frames);

  torch::nn::ModuleList resnets{nullptr}, attentions{nullptr}, motion_modules{nullptr};
};
TORCH_MODULE(MotionMidBlock);

// skip concat -> resnet -> (cross-attention) -> motion module, per layer; then the upsampler.
class GEN_API MotionUpBlockImpl : public torch::nn::Module {
 public:
  MotionUpBlockImpl(const UNetUpBlock& spatial, const TemporalTransformerOptions& temporal);
  // Consumes one skip state per layer from the back of `skips`.
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& temb, const MotionContext& context,
                        std::vector<torch::Tensor>& skips, int64_t num_frames);

  torch::nn::ModuleList resnets{nullptr}, attentions{nullptr}, motion_modules{nullptr}, upsamplers{nullptr};
};
TORCH_MODULE(MotionUpBlock);

}  // namespace gen::nn
