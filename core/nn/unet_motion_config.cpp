#include <gen/nn/unet_motion_config.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gen/error.h>

namespace gen::nn {
namespace {

using json = nlohmann::json;

// diffusers' UpBlockMotion never receives the UNet's group count (0.29.2).
constexpr int64_t kUpBlockMotionGroups = 32;
// UNetMotionModel always builds its mid block with one attention layer.
constexpr int64_t kMidBlockLayers = 1;

const std::map<std::string, std::string>& motion_to_2d() {
  static const std::map<std::string, std::string> names = {
      {"CrossAttnDownBlockMotion", "CrossAttnDownBlock2D"}, {"DownBlockMotion", "DownBlock2D"},
      {"CrossAttnUpBlockMotion", "CrossAttnUpBlock2D"},     {"UpBlockMotion", "UpBlock2D"}};
  return names;
}

std::string motion_name(const std::string& name_2d) {
  for (const auto& [motion, flat] : motion_to_2d())
    if (flat == name_2d) return motion;
  throw ModelError("motion UNet: no motion counterpart of block " + name_2d);
}

json block_types_as_2d(const json& types) {
  json out = json::array();
  for (const auto& t : types) {
    auto it = motion_to_2d().find(t.get<std::string>());
    if (it == motion_to_2d().end()) throw ModelError("motion UNet config: unsupported block type " + t.dump());
    out.push_back(it->second);
  }
  return out;
}

std::string list_string(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

std::string count_phrase(int64_t adapter, int64_t unet) {
  return "the adapter has " + std::to_string(adapter) + ", the UNet " + std::to_string(unet);
}

// One phrase per structural part in which the adapter and the UNet differ.
std::vector<std::string> block_mismatches(const UNet2DConditionConfig& unet, const MotionAdapterConfig& a) {
  std::vector<std::string> out;
  const auto& mine = unet.block_out_channels;
  const auto& theirs = a.block_out_channels;
  if (mine.size() != theirs.size()) {
    out.push_back("number of blocks: " + count_phrase(theirs.size(), mine.size()) + " (adapter block_out_channels " +
                  list_string(theirs) + ", UNet " + list_string(mine) + ")");
  } else {
    for (size_t i = 0; i < mine.size(); ++i)
      if (mine[i] != theirs[i])
        out.push_back("channels of block " + std::to_string(i) + ": " + count_phrase(theirs[i], mine[i]));
  }
  if (a.motion_layers_per_block != unet.layers_per_block)
    out.push_back("layers per block: " + count_phrase(a.motion_layers_per_block, unet.layers_per_block) +
                  " (motion_layers_per_block vs layers_per_block)");
  return out;
}

std::vector<std::string> motion_mismatches(const UNetMotionConfig& m, const MotionAdapterConfig& a) {
  std::vector<std::string> out;
  if (a.use_motion_mid_block != m.use_motion_mid_block)
    out.push_back(a.use_motion_mid_block ? "mid block: the adapter has motion modules for the mid block, the motion "
                                           "UNet has none (use_motion_mid_block false)"
                                         : "mid block: the motion UNet expects mid-block motion modules "
                                           "(use_motion_mid_block true), the adapter has none");
  else if (a.use_motion_mid_block && a.motion_mid_block_layers_per_block != kMidBlockLayers)
    out.push_back("mid block layers: " + count_phrase(a.motion_mid_block_layers_per_block, kMidBlockLayers) +
                  " (motion_mid_block_layers_per_block; the UNet's mid block has one attention layer)");
  if (a.motion_num_attention_heads != m.motion_num_attention_heads)
    out.push_back("motion heads: " + count_phrase(a.motion_num_attention_heads, m.motion_num_attention_heads));
  if (a.motion_max_seq_length != m.motion_max_seq_length)
    out.push_back("max sequence length: " + count_phrase(a.motion_max_seq_length, m.motion_max_seq_length));
  if (a.motion_cross_attention_dim != m.motion_cross_attention_dim)
    out.push_back("motion text attention: " + count_phrase(a.motion_cross_attention_dim, m.motion_cross_attention_dim) +
                  " (motion_cross_attention_dim)");
  if (a.motion_conv3d_reduction != m.motion_conv3d_reduction)
    out.push_back("motion 3D convolution reduction: " +
                  count_phrase(a.motion_conv3d_reduction, m.motion_conv3d_reduction) + " (motion_conv3d_reduction)");
  if (a.motion_spatial_positions != m.motion_spatial_positions)
    out.push_back(std::string("motion spatial positions: the adapter ") + (a.motion_spatial_positions ? "has" : "lacks") +
                  " them, the motion UNet " + (m.motion_spatial_positions ? "has" : "lacks") +
                  " them (motion_spatial_positions)");
  if (a.motion_prompt_travel_dim != m.motion_prompt_travel_dim)
    out.push_back("prompt travel width: " + count_phrase(a.motion_prompt_travel_dim, m.motion_prompt_travel_dim) +
                  " (motion_prompt_travel_dim)");
  else if (a.motion_prompt_travel_dim > 0 && a.motion_prompt_travel_text_dim != m.unet.cross_attention_dim)
    out.push_back("prompt travel text width: " +
                  count_phrase(a.motion_prompt_travel_text_dim, m.unet.cross_attention_dim) +
                  " (motion_prompt_travel_text_dim vs the UNet's cross_attention_dim)");
  return out;
}

}  // namespace

UNetMotionConfig UNetMotionConfig::from_unet_and_adapter(const UNet2DConditionConfig& unet,
                                                         const MotionAdapterConfig& adapter) {
  UNetMotionConfig c;
  c.unet = unet;
  c.motion_num_attention_heads = adapter.motion_num_attention_heads;
  c.motion_max_seq_length = adapter.motion_max_seq_length;
  c.use_motion_mid_block = adapter.use_motion_mid_block;
  c.motion_cross_attention_dim = adapter.motion_cross_attention_dim;
  c.motion_conv3d_reduction = adapter.motion_conv3d_reduction;
  c.motion_spatial_positions = adapter.motion_spatial_positions;
  c.motion_prompt_travel_dim = adapter.motion_prompt_travel_dim;
  c.check_adapter(adapter);
  c.validate();
  return c;
}

void UNetMotionConfig::check_adapter(const MotionAdapterConfig& adapter) const {
  auto parts = block_mismatches(unet, adapter);
  for (auto& p : motion_mismatches(*this, adapter)) parts.push_back(std::move(p));
  if (parts.empty()) return;
  std::string msg = "the motion adapter does not fit the UNet: ";
  for (size_t i = 0; i < parts.size(); ++i) msg += (i ? "; " : "") + parts[i];
  throw ModelError(msg + ". An adapter is made for one UNet layout (AnimateDiff SD-1.5 modules: block_out_channels "
                         "[320, 640, 1280, 1280], layers_per_block 2)");
}

TemporalTransformerOptions UNetMotionConfig::down_motion(size_t i) const {
  TemporalTransformerOptions o;
  o.channels = unet.block_out_channels.at(i);
  o.heads = motion_num_attention_heads;
  o.norm_num_groups = unet.norm_num_groups;
  o.max_seq_length = motion_max_seq_length;
  o.cross_attention_dim = motion_cross_attention_dim;
  o.conv3d_reduction = motion_conv3d_reduction;
  o.spatial_positions = motion_spatial_positions;
  return o;
}

TemporalTransformerOptions UNetMotionConfig::up_motion(size_t i) const {
  auto o = down_motion(unet.block_out_channels.size() - 1 - i);
  if (!unet.up_has_attention(i)) o.norm_num_groups = kUpBlockMotionGroups;
  return o;
}

TemporalTransformerOptions UNetMotionConfig::mid_motion() const { return down_motion(unet.block_out_channels.size() - 1); }

void UNetMotionConfig::validate() const {
  unet.validate();
  // UNetMotionModel's forward takes one text context for every block and no class labels.
  if (unet.has_class_embedding())
    throw ModelError("motion UNet: a UNet with a class embedding (class_embed_type " + unet.class_embed_type +
                     ") is not supported");
  if (!unet.cross_attention_dims.empty())
    throw ModelError("motion UNet: a UNet whose blocks attend to contexts of different widths is not supported");
  if (motion_prompt_travel_dim < 0) throw ModelError("motion UNet: motion_prompt_travel_dim must be >= 0");
  const size_t n = unet.block_out_channels.size();
  for (size_t i = 0; i < n; ++i) {
    check_temporal_options(down_motion(i), "motion UNet down block " + std::to_string(i));
    check_temporal_options(up_motion(i), "motion UNet up block " + std::to_string(i));
  }
  if (use_motion_mid_block) check_temporal_options(mid_motion(), "motion UNet mid block");
}

UNetMotionConfig UNetMotionConfig::from_json(const json& j) {
  json flat = j;
  flat["down_block_types"] = block_types_as_2d(j.at("down_block_types"));
  flat["up_block_types"] = block_types_as_2d(j.at("up_block_types"));
  // UNetMotionModel has no attention_head_dim argument: heads are num_attention_heads or 8.
  if (!j.contains("num_attention_heads") || j["num_attention_heads"].is_null()) flat["num_attention_heads"] = 8;
  UNetMotionConfig c;
  c.unet = UNet2DConditionConfig::from_json(flat);
  c.motion_num_attention_heads = j.value("motion_num_attention_heads", c.motion_num_attention_heads);
  c.motion_max_seq_length = j.value("motion_max_seq_length", c.motion_max_seq_length);
  c.use_motion_mid_block = j.value("use_motion_mid_block", c.use_motion_mid_block);
  if (j.contains("motion_cross_attention_dim") && !j["motion_cross_attention_dim"].is_null())
    c.motion_cross_attention_dim = j["motion_cross_attention_dim"].get<int64_t>();
  if (j.contains("motion_conv3d_reduction") && !j["motion_conv3d_reduction"].is_null())
    c.motion_conv3d_reduction = j["motion_conv3d_reduction"].get<int64_t>();
  c.motion_spatial_positions = j.value("motion_spatial_positions", false);
  c.motion_prompt_travel_dim = j.value("motion_prompt_travel_dim", int64_t{0});
  c.validate();
  return c;
}

UNetMotionConfig UNetMotionConfig::from_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot open motion UNet config " + path.string());
  try {
    return from_json(json::parse(in));
  } catch (const json::exception& e) {
    throw InputError("motion UNet config " + path.string() + " is not valid: " + e.what());
  }
}

json UNetMotionConfig::to_json() const {
  json j = unet.to_json();
  j["_class_name"] = "UNetMotionModel";
  json down = json::array(), up = json::array();
  for (const auto& t : unet.down_block_types) down.push_back(motion_name(t));
  for (const auto& t : unet.up_block_types) up.push_back(motion_name(t));
  j["down_block_types"] = down;
  j["up_block_types"] = up;
  j["num_attention_heads"] = unet.num_attention_heads;
  j["motion_num_attention_heads"] = motion_num_attention_heads;
  j["motion_max_seq_length"] = motion_max_seq_length;
  j["use_motion_mid_block"] = use_motion_mid_block;
  if (motion_cross_attention_dim > 0) j["motion_cross_attention_dim"] = motion_cross_attention_dim;
  if (motion_conv3d_reduction > 0) j["motion_conv3d_reduction"] = motion_conv3d_reduction;
  if (motion_spatial_positions) j["motion_spatial_positions"] = true;
  if (motion_prompt_travel_dim > 0) j["motion_prompt_travel_dim"] = motion_prompt_travel_dim;
  return j;
}

}  // namespace gen::nn
