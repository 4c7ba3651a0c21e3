// Architecture of diffusers' UNetMotionModel: an image UNet's architecture plus the
// motion keys of its config.json, and the rules for fitting a motion adapter to a UNet.
#pragma once
#include <filesystem>

#include <nlohmann/json_fwd.hpp>

#include <gen/export.h>
#include <gen/nn/motion_adapter.h>
#include <gen/nn/transformer_temporal.h>
#include <gen/nn/unet_config.h>

namespace gen::nn {

struct GEN_API UNetMotionConfig {
  // The spatial part, block types under their 2D names (CrossAttnDownBlock2D ...).
  UNet2DConditionConfig unet;
  int64_t motion_num_attention_heads = 8;
  int64_t motion_max_seq_length = 32;
  bool use_motion_mid_block = true;
  int64_t motion_cross_attention_dim = 0;  // gen's extension (MotionAdapterConfig)
  int64_t motion_conv3d_reduction = 0;     // gen's extension (MotionAdapterConfig)
  bool motion_spatial_positions = false;   // gen's extension (MotionAdapterConfig)
  int64_t motion_prompt_travel_dim = 0;    // gen's extension (MotionAdapterConfig); offsets the UNet's text

  // The motion UNet that diffusers' UNetMotionModel.from_unet2d(unet, adapter) builds:
  // the UNet's architecture with the adapter's heads, length and mid-block choice.
  // Throws gen::ModelError (see check_adapter) when the adapter does not fit the UNet.
  static UNetMotionConfig from_unet_and_adapter(const UNet2DConditionConfig& unet, const MotionAdapterConfig& adapter);

  // Throws one gen::ModelError listing every part of `adapter` that does not fit this
  // motion UNet: number of blocks, channels of a block, layers per block, mid block
  // presence, mid block layers, motion heads, max sequence length.
  void check_adapter(const MotionAdapterConfig& adapter) const;

  // The motion modules of each stage as diffusers 0.29.2 builds them: normalised in the
  // UNet's norm_num_groups, except UpBlockMotion (an up stage without cross-attention),
  // whose modules keep the class default of 32 groups.
  TemporalTransformerOptions down_motion(size_t i) const;
  TemporalTransformerOptions up_motion(size_t i) const;
  TemporalTransformerOptions mid_motion() const;

  // Throws gen::ModelError for an architecture that cannot be built.
  void validate() const;

  // A UNetMotionModel config.json (CrossAttnDownBlockMotion, DownBlockMotion, ... block
  // types; heads from num_attention_heads, default 8, as UNetMotionModel reads them).
  static UNetMotionConfig from_json(const nlohmann::json& j);
  static UNetMotionConfig from_json_file(const std::filesystem::path& path);
  nlohmann::json to_json() const;
};

}  // namespace gen::nn
