// AnimateDiff motion modules as diffusers stores them (diffusers' MotionAdapter): one
// MotionModules stage per UNet level, `down_blocks.i.motion_modules.j` (layers_per_block
// each), `up_blocks.i.motion_modules.j` (layers_per_block + 1 each) and, for v2-style
// adapters, `mid_block.motion_modules.j`. The adapter has no forward; it is the weight
// container that UNetMotionModel (unet_motion_model.h) inserts into an image UNet.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>

#include <gen/export.h>
#include <gen/nn/prompt_travel.h>
#include <gen/nn/state_dict.h>

namespace gen::nn {

// What tensor shapes cannot reveal about an adapter (for a single .safetensors file
// without config.json). Every published AnimateDiff module uses these values.
struct MotionAdapterHints {
  int64_t num_attention_heads = 8;
  int64_t norm_num_groups = 32;
};

// diffusers' MotionAdapter config.json (the same key names).
struct GEN_API MotionAdapterConfig {
  std::vector<int64_t> block_out_channels{320, 640, 1280, 1280};
  int64_t motion_layers_per_block = 2;
  int64_t motion_mid_block_layers_per_block = 1;
  int64_t motion_num_attention_heads = 8;
  int64_t motion_norm_num_groups = 32;
  int64_t motion_max_seq_length = 32;
  bool use_motion_mid_block = true;
  // gen's extension (config key motion_cross_attention_dim, absent in diffusers' adapters):
  // > 0 makes each module's attn2 attend to the text (TemporalTransformerOptions): the
  // UNet's text states when the widths agree, else those of a text tower of the
  // modules' own (UNetMotionModel's motion_hidden_states).
  int64_t motion_cross_attention_dim = 0;
  // gen's extension (config key motion_conv3d_reduction): > 0 adds a residual 3x3x3
  // convolution block of width channels / this to every module (temporal_conv.h).
  int64_t motion_conv3d_reduction = 0;
  // gen's extension (config key motion_spatial_positions): every module also reads
  // where each pixel is (spatial_positions.h).
  bool motion_spatial_positions = false;
  // gen's extension (config keys motion_prompt_travel_dim, motion_prompt_travel_text_dim):
  // > 0 adds a learnt prompt travel of this hidden width (prompt_travel.h, registered as
  // prompt_travel) that offsets the image UNet's text states, text_dim wide, per frame.
  int64_t motion_prompt_travel_dim = 0;
  int64_t motion_prompt_travel_text_dim = 0;
  // The width of the text the prompt travel pools its caption from: the modules' own
  // text when they attend to text, else the image UNet's.
  int64_t prompt_travel_caption_dim() const {
    return motion_cross_attention_dim > 0 ? motion_cross_attention_dim : motion_prompt_travel_text_dim;
  }

  // Throws gen::ModelError for values no adapter can have.
  void validate() const;

  // Refuses what this implementation does not run (conv_in_channels: PIA's image-
  // conditioned input) with a gen::ModelError.
  static MotionAdapterConfig from_json(const nlohmann::json& j);
  static MotionAdapterConfig from_json_file(const std::filesystem::path& path);
  nlohmann::json to_json() const;
  // From diffusers-layout tensor names and shapes: widths from proj_in, layers by
  // counting motion_modules.*, max_seq_length from pos_embed.pe, a text cross-attention
  // from attn2.to_k's input width when it differs from the module's, the 3D convolution's
  // reduction from temporal_conv.conv1's output width, spatial positions from a
  // spatial_pos tensor, the prompt travel's widths from prompt_travel.out; heads and groups from
  // `hints`. Original AnimateDiff names (temporal_transformer.*) are refused.
  static MotionAdapterConfig detect_from_weights(const ShapeMap& shapes, const MotionAdapterHints& hints = {});
};

// diffusers' MotionModules: one stage of an adapter, holding only `motion_modules`.
class GEN_API MotionModulesImpl : public torch::nn::Module {
 public:
  explicit MotionModulesImpl(torch::nn::ModuleList modules);  // registered as is (shared)
  torch::nn::ModuleList motion_modules{nullptr};
};
TORCH_MODULE(MotionModules);

class GEN_API MotionAdapterImpl : public torch::nn::Module {
 public:
  explicit MotionAdapterImpl(const MotionAdapterConfig& config);

  const MotionAdapterConfig& config() const { return config_; }
  // The motion modules of down stage i, of up stage i, and of the mid stage (throws
  // gen::ModelError when the adapter has no mid block).
  torch::nn::ModuleList down_motion_modules(size_t i) const;
  torch::nn::ModuleList up_motion_modules(size_t i) const;
  torch::nn::ModuleList mid_motion_modules() const;

  torch::nn::ModuleList down_blocks{nullptr}, up_blocks{nullptr};  // of MotionModules
  MotionModules mid_block{nullptr};  // null without a motion mid block
  PromptTravel prompt_travel{nullptr};  // null unless motion_prompt_travel_dim > 0

 private:
  MotionAdapterConfig config_;
};
TORCH_MODULE(MotionAdapter);

// A motion adapter from a diffusers folder (config.json + diffusion_pytorch_model
// [.fp16].safetensors) or from one .safetensors file with diffusers key names (the
// architecture then comes from the shapes and `hints`). F16/BF16 become float32.
// A missing file is a gen::InputError; weights that do not fit the config, or a config
// that disagrees with the weights' structure, a gen::ModelError saying which part.
GEN_API MotionAdapter load_motion_adapter(const std::filesystem::path& path, const MotionAdapterHints& hints = {});

}  // namespace gen::nn
