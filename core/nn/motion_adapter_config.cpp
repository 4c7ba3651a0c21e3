#include <gen/nn/motion_adapter.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include <gen/error.h>

namespace gen::nn {
namespace {

using json = nlohmann::json;

bool contains_text(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Number of consecutive indices i from 0 for which `key(i)` is a tensor name.
template <typename KeyOf>
int64_t count_consecutive(const ShapeMap& shapes, KeyOf key) {
  int64_t n = 0;
  while (shapes.count(key(n))) ++n;
  return n;
}

std::string module_key(const std::string& stage, int64_t module, const std::string& leaf) {
  return stage + ".motion_modules." + std::to_string(module) + "." + leaf;
}

std::string down_stage(int64_t i) { return "down_blocks." + std::to_string(i); }

// Names from AnimateDiff's own repository would all be "missing": say what they are instead.
void refuse_foreign_layouts(const ShapeMap& shapes) {
  for (const auto& [name, shape] : shapes) {
    if (contains_text(name, "temporal_transformer.") || contains_text(name, "pos_encoder"))
      throw ModelError("motion adapter: '" + name +
                       "' is an original AnimateDiff key; only diffusers key names are supported (convert with "
                       "diffusers' scripts/convert_animatediff_motion_module_to_diffusers.py)");
    if (name.rfind("conv_in.", 0) == 0)
      throw ModelError("motion adapter: '" + name + "' belongs to a PIA adapter (conv_in_channels), not supported");
  }
}

}  // namespace

void MotionAdapterConfig::validate() const {
  if (block_out_channels.empty()) throw ModelError("motion adapter config: block_out_channels is empty");
  for (int64_t c : block_out_channels)
    if (c <= 0) throw ModelError("motion adapter config: block_out_channels must be positive");
  if (motion_layers_per_block <= 0) throw ModelError("motion adapter config: motion_layers_per_block must be positive");
  if (use_motion_mid_block && motion_mid_block_layers_per_block <= 0)
    throw ModelError("motion adapter config: motion_mid_block_layers_per_block must be positive");
  if (motion_num_attention_heads <= 0 || motion_norm_num_groups <= 0 || motion_max_seq_length <= 0)
    throw ModelError("motion adapter config: heads, norm groups and max_seq_length must be positive");
  if (motion_cross_attention_dim < 0) throw ModelError("motion adapter config: motion_cross_attention_dim must be >= 0");
  if (motion_conv3d_reduction < 0) throw ModelError("motion adapter config: motion_conv3d_reduction must be >= 0");
  if (motion_prompt_travel_dim < 0 || (motion_prompt_travel_dim > 0 && motion_prompt_travel_text_dim <= 0))
    throw ModelError("motion adapter config: motion_prompt_travel_dim must be >= 0, and with it "
                     "motion_prompt_travel_text_dim positive");
  for (int64_t c : block_out_channels)
    if (motion_conv3d_reduction > 0 && c % motion_conv3d_reduction != 0)
      throw ModelError("motion adapter config: block width " + std::to_string(c) +
                       " is not divisible by motion_conv3d_reduction " + std::to_string(motion_conv3d_reduction));
}

MotionAdapterConfig MotionAdapterConfig::from_json(const json& j) {
  if (j.contains("conv_in_channels") && !j["conv_in_channels"].is_null())
    throw ModelError("motion adapter config: conv_in_channels (PIA adapters) is not supported");
  MotionAdapterConfig c;
  c.block_out_channels = j.value("block_out_channels", c.block_out_channels);
  c.motion_layers_per_block = j.value("motion_layers_per_block", c.motion_layers_per_block);
  c.motion_mid_block_layers_per_block = j.value("motion_mid_block_layers_per_block", c.motion_mid_block_layers_per_block);
  c.motion_num_attention_heads = j.value("motion_num_attention_heads", c.motion_num_attention_heads);
  c.motion_norm_num_groups = j.value("motion_norm_num_groups", c.motion_norm_num_groups);
  c.motion_max_seq_length = j.value("motion_max_seq_length", c.motion_max_seq_length);
  c.use_motion_mid_block = j.value("use_motion_mid_block", c.use_motion_mid_block);
  if (j.contains("motion_cross_attention_dim") && !j["motion_cross_attention_dim"].is_null())
    c.motion_cross_attention_dim = j["motion_cross_attention_dim"].get<int64_t>();
  if (j.contains("motion_conv3d_reduction") && !j["motion_conv3d_reduction"].is_null())
    c.motion_conv3d_reduction = j["motion_conv3d_reduction"].get<int64_t>();
  c.motion_spatial_positions = j.value("motion_spatial_positions", false);
  c.motion_prompt_travel_dim = j.value("motion_prompt_travel_dim", int64_t{0});
  c.motion_prompt_travel_text_dim = j.value("motion_prompt_travel_text_dim", int64_t{0});
  c.validate();
  return c;
}

MotionAdapterConfig MotionAdapterConfig::from_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot open motion adapter config " + path.string());
  try {
    return from_json(json::parse(in));
  } catch (const json::exception& e) {
    throw InputError("motion adapter config " + path.string() + " is not valid: " + e.what());
  }
}

json MotionAdapterConfig::to_json() const {
  json j = {{"_class_name", "MotionAdapter"},
          {"block_out_channels", block_out_channels},
          {"motion_layers_per_block", motion_layers_per_block},
          {"motion_mid_block_layers_per_block", motion_mid_block_layers_per_block},
          {"motion_num_attention_heads", motion_num_attention_heads},
          {"motion_norm_num_groups", motion_norm_num_groups},
          {"motion_max_seq_length", motion_max_seq_length},
          {"use_motion_mid_block", use_motion_mid_block},
          {"conv_in_channels", nullptr}};
  if (motion_cross_attention_dim > 0) j["motion_cross_attention_dim"] = motion_cross_attention_dim;
  if (motion_conv3d_reduction > 0) j["motion_conv3d_reduction"] = motion_conv3d_reduction;
  if (motion_spatial_positions) j["motion_spatial_positions"] = true;
  if (motion_prompt_travel_dim > 0) {
    j["motion_prompt_travel_dim"] = motion_prompt_travel_dim;
    j["motion_prompt_travel_text_dim"] = motion_prompt_travel_text_dim;
  }
  return j;
}

MotionAdapterConfig MotionAdapterConfig::detect_from_weights(const ShapeMap& shapes, const MotionAdapterHints& hints) {
  refuse_foreign_layouts(shapes);
  MotionAdapterConfig c;
  const int64_t levels =
      count_consecutive(shapes, [](int64_t i) { return module_key(down_stage(i), 0, "proj_in.weight"); });
  if (levels == 0) throw ModelError("motion adapter: no down_blocks.0.motion_modules.0.proj_in.weight tensor");
  c.block_out_channels.clear();
  for (int64_t i = 0; i < levels; ++i)
    c.block_out_channels.push_back(shapes.at(module_key(down_stage(i), 0, "proj_in.weight")).at(0));
  c.motion_layers_per_block =
      count_consecutive(shapes, [](int64_t j) { return module_key(down_stage(0), j, "proj_in.weight"); });
  c.motion_mid_block_layers_per_block =
      count_consecutive(shapes, [](int64_t j) { return module_key("mid_block", j, "proj_in.weight"); });
  c.use_motion_mid_block = c.motion_mid_block_layers_per_block > 0;
  if (!c.use_motion_mid_block) c.motion_mid_block_layers_per_block = 1;  // diffusers' default, unused
  const auto pe = shapes.find(module_key(down_stage(0), 0, "transformer_blocks.0.pos_embed.pe"));
  if (pe == shapes.end() || pe->second.size() != 3)
    throw ModelError("motion adapter: no down_blocks.0.motion_modules.0.transformer_blocks.0.pos_embed.pe [1, L, C]");
  c.motion_max_seq_length = pe->second[1];
  // Self-attention keys are as wide as the module; a text cross-attention's are the text's
  // width (indistinguishable when the two happen to be equal: then config.json must say).
  const auto to_k = shapes.find(module_key(down_stage(0), 0, "transformer_blocks.0.attn2.to_k.weight"));
  if (to_k != shapes.end() && to_k->second.size() == 2 && to_k->second[1] != c.block_out_channels[0])
    c.motion_cross_attention_dim = to_k->second[1];
  const auto conv1 = shapes.find(module_key(down_stage(0), 0, "temporal_conv.conv1.weight"));
  if (conv1 != shapes.end() && conv1->second.size() == 5 && conv1->second[0] > 0)
    c.motion_conv3d_reduction = c.block_out_channels[0] / conv1->second[0];
  c.motion_spatial_positions = shapes.count(module_key(down_stage(0), 0, "spatial_pos.weight")) > 0;
  const auto travel = shapes.find("prompt_travel.out.weight");
  if (travel != shapes.end() && travel->second.size() == 2) {
    c.motion_prompt_travel_text_dim = travel->second[0];
    c.motion_prompt_travel_dim = travel->second[1];
  }
  c.motion_num_attention_heads = hints.num_attention_heads;
  c.motion_norm_num_groups = hints.norm_num_groups;
  c.validate();
  return c;
}

}  // namespace gen::nn
