// Architecture of an SD 1.x / 2.x UNet2DConditionModel, from a diffusers config.json
// or inferred from checkpoint tensor shapes (diffusers or original LDM key layout).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <gen/export.h>
#include <gen/nn/state_dict.h>

namespace gen::nn {

// What tensor shapes cannot reveal about a UNet, for detect_from_weights. The defaults
// are SD 1.x / 2.x's; a model built otherwise (a tiny test UNet with 16 groups, other
// head counts) loads with wrong numbers and no error unless its caller says so.
struct UNetDetectHints {
  int64_t norm_num_groups = 32;
  // Heads per down block; empty: SD's rule (64-wide heads for a 1024-wide context, else 8).
  std::vector<int64_t> num_attention_heads;
};

struct GEN_API UNet2DConditionConfig {
  int64_t in_channels = 4;
  int64_t out_channels = 4;
  int64_t sample_size = 64;
  std::vector<int64_t> block_out_channels{320, 640, 1280, 1280};
  // "CrossAttnDownBlock2D" | "DownBlock2D", and "CrossAttnUpBlock2D" | "UpBlock2D".
  std::vector<std::string> down_block_types{"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
                                            "DownBlock2D"};
  std::vector<std::string> up_block_types{"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D",
                                          "CrossAttnUpBlock2D"};
  int64_t layers_per_block = 2;
  // Number of attention heads per down block (diffusers' legacy `attention_head_dim`
  // holds this number); up blocks use the list reversed, the mid block the last entry.
  std::vector<int64_t> num_attention_heads{8, 8, 8, 8};
  std::vector<int64_t> transformer_layers_per_block{1, 1, 1, 1};
  int64_t mid_transformer_layers = 1;
  int64_t cross_attention_dim = 768;
  int64_t norm_num_groups = 32;
  double norm_eps = 1e-5;
  bool use_linear_projection = false;
  bool upcast_attention = false;
  bool flip_sin_to_cos = true;
  double freq_shift = 0.0;
  int64_t downsample_padding = 1;

  int64_t time_embed_dim() const { return block_out_channels.at(0) * 4; }
  bool down_has_attention(size_t i) const { return down_block_types.at(i) == "CrossAttnDownBlock2D"; }
  bool up_has_attention(size_t i) const { return up_block_types.at(i) == "CrossAttnUpBlock2D"; }

  // Throws gen::ModelError for inconsistent values or features this UNet does not implement.
  void validate() const;

  static UNet2DConditionConfig from_json(const nlohmann::json& j);
  static UNet2DConditionConfig from_json_file(const std::filesystem::path& path);
  // A diffusers config.json that from_json reads back to this config.
  nlohmann::json to_json() const;
  // Infers the architecture from tensor names and shapes (as stable-diffusion.cpp does).
  // Accepts diffusers names (conv_in.weight ...) and original names (input_blocks.0.0.weight,
  // with or without the "model.diffusion_model." prefix). Norm groups and head counts are
  // not stored in weights: they come from `hints`.
  static UNet2DConditionConfig detect_from_weights(const ShapeMap& shapes, const UNetDetectHints& hints = {});
};

}  // namespace gen::nn
