// The tiny two-level UNet + motion adapter pair the motion-module tests share: levels
// 32 and 64 wide, one layer each, cross-attention (text width 16) on the first level only,
// so the second level's up stage has UpBlockMotion's modules.
#pragma once
#include <gen/nn/motion_adapter.h>
#include <gen/nn/unet2d_condition.h>

namespace gen::test {

inline gen::nn::UNet2DConditionConfig tiny_motion_unet_config(int64_t heads = 8) {
  gen::nn::UNet2DConditionConfig c;
  c.block_out_channels = {32, 64};
  c.down_block_types = {"CrossAttnDownBlock2D", "DownBlock2D"};
  c.up_block_types = {"UpBlock2D", "CrossAttnUpBlock2D"};
  c.layers_per_block = 1;
  c.num_attention_heads = {heads, heads};
  c.transformer_layers_per_block = {1, 1};
  c.cross_attention_dim = 16;
  return c;
}

// Fits tiny_motion_unet_config(); `heads` 0 keeps the adapter's default.
inline gen::nn::MotionAdapterConfig tiny_motion_adapter_config(int64_t max_frames = 8, int64_t heads = 0) {
  gen::nn::MotionAdapterConfig c;
  c.block_out_channels = {32, 64};
  c.motion_layers_per_block = 1;
  c.motion_max_seq_length = max_frames;
  if (heads > 0) c.motion_num_attention_heads = heads;
  return c;
}

}  // namespace gen::test
