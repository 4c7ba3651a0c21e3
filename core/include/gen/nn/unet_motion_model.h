// diffusers' UNetMotionModel (AnimateDiff): an SD UNet2DConditionModel with a motion
// module after every spatial layer of the down and up stages (and of the mid stage when
// use_motion_mid_block). The frames of a clip run through the spatial layers as a batch
// of images [B*F, C, H, W]; the motion modules attend across frames. Registered names
// equal diffusers' (conv_in, time_embedding, down_blocks.i.{resnets, attentions,
// motion_modules, downsamplers}, mid_block.*, up_blocks.i.*, conv_norm_out, conv_out),
// so a UNetMotionModel state dict loads name for name.
//
// Built from an image UNet, the motion model SHARES that UNet's modules (no copy: an
// SD-1.5 UNet is 3.4 GB in float32); changing one changes the other.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/normalization.h>
#include <torch/types.h>

#include <gen/export.h>
#include <gen/nn/motion_adapter.h>
#include <gen/nn/motion_blocks.h>
#include <gen/nn/timestep_embedding.h>
#include <gen/nn/unet2d_condition.h>
#include <gen/nn/unet_motion_config.h>

namespace gen::nn {

class GEN_API UNetMotionModelImpl : public torch::nn::Module {
 public:
  // Fresh (randomly initialised) weights.
  explicit UNetMotionModelImpl(const UNetMotionConfig& config);
  // Around an image UNet, whose modules are shared: the spatial architecture is
  // unet->config(); only the motion keys of `motion` are used.
  UNetMotionModelImpl(const UNet2DConditionModel& unet, const UNetMotionConfig& motion);

  // sample [B, in, F, H, W] (diffusers' layout); timestep int or float, a scalar or [B];
  // encoder_hidden_states [B, M, D], one per clip -> [B, out, F, H, W]. With a prompt
  // travel, frame f of a clip reads its own offset states, f counted within the call.
  // motion_hidden_states [B, M', D'] (gen's extension): what the motion modules attend
  // to when they have a text tower of their own; undefined = encoder_hidden_states.
  torch::Tensor forward(const torch::Tensor& sample, const torch::Tensor& timestep,
                        const torch::Tensor& encoder_hidden_states, const torch::Tensor& motion_hidden_states = {});
  // The same on frames already batched: sample [B*F, in, H, W], the frames of a clip
  // consecutive; encoder_hidden_states [B, M, D] (repeated per frame) or [B*F, M, D]
  // (one per frame) -> [B*F, out, H, W]; motion_hidden_states likewise.
  torch::Tensor forward_frames(const torch::Tensor& sample, int64_t num_frames, const torch::Tensor& timestep,
                               const torch::Tensor& encoder_hidden_states,
                               const torch::Tensor& motion_hidden_states = {});

  // Copies an adapter's motion modules in (diffusers' load_motion_modules); throws
  // gen::ModelError naming the part that does not fit, before anything is written.
  void load_motion_modules(const MotionAdapter& adapter);

  // [B] -> [B, 4*C0]: diffusers' UNetMotionModel fixes the sinusoid to flip_sin_to_cos
  // and no shift, whatever the image UNet's config says.
  torch::Tensor time_embed(const torch::Tensor& timesteps);

  const UNetMotionConfig& config() const { return config_; }

  torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
  TimestepEmbedding time_embedding{nullptr};
  torch::nn::ModuleList down_blocks{nullptr}, up_blocks{nullptr};  // MotionDownBlock / MotionUpBlock
  MotionMidBlock motion_mid_block{nullptr};  // registered as mid_block when use_motion_mid_block
  UNetMidBlock plain_mid_block{nullptr};     // registered as mid_block otherwise (older adapters)
  torch::nn::GroupNorm conv_norm_out{nullptr};
  // With motion_prompt_travel_dim > 0: offsets the text states the spatial layers read,
  // frame by frame, from the caption (the motion_hidden_states when given, else the
  // UNet's text) and the frame's place in the clip.
  PromptTravel prompt_travel{nullptr};

 private:
  void wrap(const UNet2DConditionModel& unet);
  torch::Tensor mid_forward(const torch::Tensor& x, const torch::Tensor& temb, const MotionContext& context,
                            int64_t num_frames);
  torch::Tensor motion_states(const torch::Tensor& given, const torch::Tensor& spatial, int64_t clips,
                              int64_t num_frames) const;
  UNetMotionConfig config_;
};
TORCH_MODULE(UNetMotionModel);

// diffusers' UNetMotionModel.from_unet2d(unet, adapter): checks that the adapter fits the
// UNet (gen::ModelError naming the mismatching part), shares the UNet's modules and
// copies the adapter's motion modules in. The UNet can come from any SD-1.x loader
// (load_diffusers_unet, load_single_file_unet, ...); the result is in eval mode.
GEN_API UNetMotionModel from_unet_and_adapter(const UNet2DConditionModel& unet, const MotionAdapter& adapter);

}  // namespace gen::nn
