// Architecture of a UNet2DConditionModel, from a diffusers config.json or inferred from
// checkpoint tensor shapes (diffusers or original LDM key layout): SD 1.x / 2.x, and
// AudioLDM's variant (a projected class embedding concatenated to the time embedding,
// per-block attention widths, no text context).
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
  // Width of encoder_hidden_states. 0 when the blocks differ (see cross_attention_dims).
  int64_t cross_attention_dim = 768;
  // diffusers' per-block list, when its entries differ (AudioLDM: each block's own width,
  // because its attn2 attends to the block's own features); empty: cross_attention_dim
  // everywhere. Up blocks use the list reversed, the mid block the last entry.
  std::vector<int64_t> cross_attention_dims;
  // "" (none) or "simple_projection": class_labels [B, projection_class_embeddings_input_dim]
  // -> Linear -> [B, time_embed_dim], added to the time embedding, or concatenated after it
  // when class_embeddings_concat (then every ResNet's time_emb_proj reads twice the width).
  std::string class_embed_type;
  int64_t projection_class_embeddings_input_dim = 0;
  bool class_embeddings_concat = false;
  int64_t norm_num_groups = 32;
  double norm_eps = 1e-5;
  bool use_linear_projection = false;
  bool upcast_attention = false;
  bool flip_sin_to_cos = true;
  double freq_shift = 0.0;
  int64_t downsample_padding = 1;

  int64_t time_embed_dim() const { return block_out_channels.at(0) * 4; }
  // What the blocks' ResNets receive: the time embedding, with the class embedding after it.
  int64_t blocks_time_embed_dim() const { return class_embeddings_concat ? 2 * time_embed_dim() : time_embed_dim(); }
  bool has_class_embedding() const { return !class_embed_type.empty(); }
  // Context width of the attentions of down block i, of up block i, and of the mid block.
  int64_t down_cross_attention_dim(size_t i) const;
  int64_t up_cross_attention_dim(size_t i) const;
  int64_t mid_cross_attention_dim() const;
  // True when every attention's context width is its own width, so it can attend to
  // itself when no encoder_hidden_states are given (diffusers' behaviour; AudioLDM).
  bool can_attend_to_itself() const;
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
  // The class embedding (simple_projection, concatenated or added) and per-block context
  // widths are read from diffusers names too (class_embedding.weight, the ResNets'
  // time_emb_proj, each block's attn2.to_k).
  static UNet2DConditionConfig detect_from_weights(const ShapeMap& shapes, const UNetDetectHints& hints = {});

 private:
  void validate_context_and_class_embedding() const;
};

}  // namespace gen::nn
