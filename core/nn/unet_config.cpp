#include <gen/nn/unet_config.h>

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include <gen/error.h>

namespace gen::nn {
namespace {

using json = nlohmann::json;

// diffusers allows a number (same for every block) or a per-block list.
std::vector<int64_t> per_block(const json& v, size_t blocks, const char* what) {
  if (v.is_number_integer()) return std::vector<int64_t>(blocks, v.get<int64_t>());
  if (v.is_array()) {
    auto out = v.get<std::vector<int64_t>>();
    if (out.size() != blocks)
      throw ModelError(std::string("UNet config: ") + what + " has " + std::to_string(out.size()) +
                       " entries for " + std::to_string(blocks) + " blocks");
    return out;
  }
  throw ModelError(std::string("UNet config: ") + what + " must be a number or a list");
}

// Features of UNet2DConditionModel this implementation does not run (none of SD 1.x/2.x
// or AudioLDM uses them); refusing them beats a wrong output.
void reject_unsupported(const json& j) {
  auto non_null = [&](const char* k) { return j.contains(k) && !j[k].is_null(); };
  auto differs = [&](const char* k, const json& expected) { return j.contains(k) && j[k] != expected; };
  for (const char* k : {"addition_embed_type", "time_cond_proj_dim", "encoder_hid_dim", "num_class_embeds",
                        "time_embedding_act_fn", "timestep_post_act", "cross_attention_norm"})
    if (non_null(k)) throw ModelError(std::string("UNet config: '") + k + "' is not supported");
  // Numbers compare across JSON types (1 == 1.0), as diffusers' configs mix them.
  const std::pair<const char*, json> defaults[] = {{"act_fn", "silu"},
                                                   {"time_embedding_type", "positional"},
                                                   {"resnet_time_scale_shift", "default"},
                                                   {"only_cross_attention", false},
                                                   {"dual_cross_attention", false},
                                                   {"center_input_sample", false},
                                                   {"conv_in_kernel", 3},
                                                   {"conv_out_kernel", 3},
                                                   {"attention_type", "default"},
                                                   {"mid_block_scale_factor", 1},
                                                   {"resnet_out_scale_factor", 1},
                                                   {"resnet_skip_time_act", false}};
  for (const auto& [k, v] : defaults)
    if (differs(k, v)) throw ModelError(std::string("UNet config: '") + k + "' = " + j[k].dump() + " is not supported");
  if (j.contains("time_embedding_dim") && !j["time_embedding_dim"].is_null())
    throw ModelError("UNet config: a custom time_embedding_dim is not supported");
}

// A number, or one entry per down block; a list whose entries agree is kept as the number,
// so SD configs written either way read the same.
void read_cross_attention_dim(const json& j, UNet2DConditionConfig& c) {
  if (!j.contains("cross_attention_dim")) return;
  const auto dims = per_block(j["cross_attention_dim"], c.block_out_channels.size(), "cross_attention_dim");
  if (std::all_of(dims.begin(), dims.end(), [&](int64_t d) { return d == dims[0]; })) {
    c.cross_attention_dim = dims[0];
    c.cross_attention_dims.clear();
  } else {
    c.cross_attention_dim = 0;
    c.cross_attention_dims = dims;
  }
}

// class_embed_type: none, or AudioLDM's "simple_projection" (one Linear). diffusers' other
// kinds (timestep, identity, projection, num_class_embeds) are refused by name.
void read_class_embedding(const json& j, UNet2DConditionConfig& c) {
  if (j.contains("class_embed_type") && !j["class_embed_type"].is_null()) {
    if (!j["class_embed_type"].is_string()) throw ModelError("UNet config: class_embed_type must be a string or null");
    c.class_embed_type = j["class_embed_type"].get<std::string>();
  }
  const auto& dim = j.contains("projection_class_embeddings_input_dim") ? j["projection_class_embeddings_input_dim"]
                                                                        : json();
  if (dim.is_number_integer()) c.projection_class_embeddings_input_dim = dim.get<int64_t>();
  const auto& concat = j.contains("class_embeddings_concat") ? j["class_embeddings_concat"] : json();
  c.class_embeddings_concat = concat.is_boolean() && concat.get<bool>();  // null: diffusers' default, false
}

}  // namespace

void UNet2DConditionConfig::validate() const {
  const size_t n = block_out_channels.size();
  if (n == 0) throw ModelError("UNet config: block_out_channels is empty");
  if (down_block_types.size() != n || up_block_types.size() != n)
    throw ModelError("UNet config: need one down and one up block type per entry of block_out_channels");
  if (num_attention_heads.size() != n || transformer_layers_per_block.size() != n)
    throw ModelError("UNet config: need one head count and transformer depth per block");
  for (size_t i = 0; i < n; ++i) {
    const auto& d = down_block_types[i];
    const auto& u = up_block_types[i];
    if (d != "CrossAttnDownBlock2D" && d != "DownBlock2D") throw ModelError("UNet config: unsupported down block " + d);
    if (u != "CrossAttnUpBlock2D" && u != "UpBlock2D") throw ModelError("UNet config: unsupported up block " + u);
    if (block_out_channels[i] % norm_num_groups != 0)
      throw ModelError("UNet config: block_out_channels must be divisible by norm_num_groups");
    if (num_attention_heads[i] <= 0 || block_out_channels[i] % num_attention_heads[i] != 0)
      throw ModelError("UNet config: block " + std::to_string(i) + " width " + std::to_string(block_out_channels[i]) +
                       " is not divisible by its head count " + std::to_string(num_attention_heads[i]));
  }
  // Up block i works at the width of down block n-1-i, so its heads come from the reversed list.
  if (block_out_channels.back() % num_attention_heads.back() != 0)
    throw ModelError("UNet config: the mid block width is not divisible by its head count");
  validate_context_and_class_embedding();
}

void UNet2DConditionConfig::validate_context_and_class_embedding() const {
  const size_t n = block_out_channels.size();
  if (cross_attention_dims.empty() && cross_attention_dim <= 0)
    throw ModelError("UNet config: cross_attention_dim must be positive");
  if (!cross_attention_dims.empty() && cross_attention_dims.size() != n)
    throw ModelError("UNet config: cross_attention_dim has " + std::to_string(cross_attention_dims.size()) +
                     " entries for " + std::to_string(n) + " blocks");
  for (auto d : cross_attention_dims)
    if (d <= 0) throw ModelError("UNet config: every cross_attention_dim entry must be positive");
  if (!class_embed_type.empty() && class_embed_type != "simple_projection")
    throw ModelError("UNet config: class_embed_type '" + class_embed_type +
                     "' is not supported (only \"simple_projection\", AudioLDM's)");
  if (has_class_embedding() && projection_class_embeddings_input_dim <= 0)
    throw ModelError("UNet config: class_embed_type 'simple_projection' needs projection_class_embeddings_input_dim");
  // diffusers would build ResNets for a doubled embedding and then receive a single one.
  if (class_embeddings_concat && !has_class_embedding())
    throw ModelError("UNet config: class_embeddings_concat needs a class_embed_type");
}

int64_t UNet2DConditionConfig::down_cross_attention_dim(size_t i) const {
  return cross_attention_dims.empty() ? cross_attention_dim : cross_attention_dims.at(i);
}

int64_t UNet2DConditionConfig::up_cross_attention_dim(size_t i) const {
  return cross_attention_dims.empty() ? cross_attention_dim
                                      : cross_attention_dims.at(cross_attention_dims.size() - 1 - i);
}

int64_t UNet2DConditionConfig::mid_cross_attention_dim() const {
  return cross_attention_dims.empty() ? cross_attention_dim : cross_attention_dims.back();
}

bool UNet2DConditionConfig::can_attend_to_itself() const {
  const size_t n = block_out_channels.size();
  for (size_t i = 0; i < n; ++i) {
    if (down_has_attention(i) && down_cross_attention_dim(i) != block_out_channels[i]) return false;
    if (up_has_attention(i) && up_cross_attention_dim(i) != block_out_channels[n - 1 - i]) return false;
  }
  return mid_cross_attention_dim() == block_out_channels.back();
}

UNet2DConditionConfig UNet2DConditionConfig::from_json(const json& j) {
  reject_unsupported(j);
  UNet2DConditionConfig c;
  c.in_channels = j.value("in_channels", c.in_channels);
  c.out_channels = j.value("out_channels", c.out_channels);
  if (j.contains("sample_size") && j["sample_size"].is_number_integer()) c.sample_size = j["sample_size"];
  c.block_out_channels = j.value("block_out_channels", c.block_out_channels);
  c.down_block_types = j.value("down_block_types", c.down_block_types);
  c.up_block_types = j.value("up_block_types", c.up_block_types);
  const std::string mid = j.contains("mid_block_type") && j["mid_block_type"].is_string()
                              ? j["mid_block_type"].get<std::string>()
                              : "UNetMidBlock2DCrossAttn";
  if (mid != "UNetMidBlock2DCrossAttn") throw ModelError("UNet config: unsupported mid block " + mid);
  c.layers_per_block = j.value("layers_per_block", c.layers_per_block);
  const size_t n = c.block_out_channels.size();
  // `num_attention_heads` wins; else the legacy `attention_head_dim`, which is a head COUNT.
  json heads = j.contains("num_attention_heads") && !j["num_attention_heads"].is_null() ? j["num_attention_heads"]
               : j.contains("attention_head_dim") ? j["attention_head_dim"]
                                                  : json(8);
  c.num_attention_heads = per_block(heads, n, "attention_head_dim");
  c.transformer_layers_per_block = per_block(j.value("transformer_layers_per_block", json(1)), n,
                                             "transformer_layers_per_block");
  c.mid_transformer_layers = c.transformer_layers_per_block.back();
  read_cross_attention_dim(j, c);
  read_class_embedding(j, c);
  c.norm_num_groups = j.value("norm_num_groups", c.norm_num_groups);
  c.norm_eps = j.value("norm_eps", c.norm_eps);
  c.use_linear_projection = j.value("use_linear_projection", c.use_linear_projection);
  c.upcast_attention = j.value("upcast_attention", c.upcast_attention);
  c.flip_sin_to_cos = j.value("flip_sin_to_cos", c.flip_sin_to_cos);
  c.freq_shift = j.value("freq_shift", c.freq_shift);
  c.downsample_padding = j.value("downsample_padding", c.downsample_padding);
  c.validate();
  return c;
}

json UNet2DConditionConfig::to_json() const {
  // diffusers' legacy `attention_head_dim` holds the head count (see from_json).
  json j = {{"_class_name", "UNet2DConditionModel"},
            {"in_channels", in_channels},
            {"out_channels", out_channels},
            {"sample_size", sample_size},
            {"block_out_channels", block_out_channels},
            {"down_block_types", down_block_types},
            {"mid_block_type", "UNetMidBlock2DCrossAttn"},
            {"up_block_types", up_block_types},
            {"layers_per_block", layers_per_block},
            {"attention_head_dim", num_attention_heads},
            {"transformer_layers_per_block", transformer_layers_per_block},
            {"cross_attention_dim",
             cross_attention_dims.empty() ? json(cross_attention_dim) : json(cross_attention_dims)},
            {"norm_num_groups", norm_num_groups},
            {"norm_eps", norm_eps},
            {"use_linear_projection", use_linear_projection},
            {"upcast_attention", upcast_attention},
            {"flip_sin_to_cos", flip_sin_to_cos},
            {"freq_shift", freq_shift},
            {"downsample_padding", downsample_padding},
            {"act_fn", "silu"}};
  if (has_class_embedding()) {
    j["class_embed_type"] = class_embed_type;
    j["projection_class_embeddings_input_dim"] = projection_class_embeddings_input_dim;
    j["class_embeddings_concat"] = class_embeddings_concat;
  }
  return j;
}

UNet2DConditionConfig UNet2DConditionConfig::from_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot open UNet config " + path.string());
  try {
    return from_json(json::parse(in));
  } catch (const json::exception& e) {
    throw InputError("UNet config " + path.string() + " is not valid: " + e.what());
  }
}

}  // namespace gen::nn
