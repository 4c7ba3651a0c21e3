// UNet2DConditionConfig::detect_from_weights: the architecture read off tensor shapes.
#include <gen/nn/unet_config.h>

#include <algorithm>

#include <gen/error.h>

namespace gen::nn {
namespace {

const std::string kOriginalPrefix = "model.diffusion_model.";

struct Level {
  int64_t channels = 0;
  int64_t resnets = 0;
  bool attention = false;
  int64_t transformer_layers = 1;
  int64_t context = 0;  // input width of attn2's to_k (diffusers layout; 0 when unknown)
};

class Shapes {
 public:
  Shapes(const ShapeMap& m, const std::string& strip) {
    for (const auto& [k, v] : m)
      if (strip.empty() || k.rfind(strip, 0) == 0) map_[k.substr(strip.size())] = v;
  }
  bool has(const std::string& k) const { return map_.count(k) > 0; }
  const std::vector<int64_t>& at(const std::string& k) const {
    auto it = map_.find(k);
    if (it == map_.end()) throw ModelError("cannot infer the UNet architecture: tensor '" + k + "' is missing");
    return it->second;
  }
  int64_t count(const std::string& prefix, const std::string& suffix) const {
    int64_t n = 0;
    while (has(prefix + std::to_string(n) + suffix)) ++n;
    return n;
  }
  // The first cross-attention key projection anywhere: its input width is the context width.
  const std::vector<int64_t>* find_suffix(const std::string& suffix) const {
    for (const auto& [k, v] : map_)
      if (k.size() >= suffix.size() && k.compare(k.size() - suffix.size(), suffix.size(), suffix) == 0) return &v;
    return nullptr;
  }

 private:
  ShapeMap map_;
};

std::vector<Level> original_levels(const Shapes& s) {
  std::vector<Level> levels(1);
  for (int idx = 1;; ++idx) {
    const std::string p = "input_blocks." + std::to_string(idx) + ".";
    if (s.has(p + "0.op.weight")) {
      levels.emplace_back();
      continue;
    }
    if (!s.has(p + "0.in_layers.0.weight")) break;
    auto& l = levels.back();
    l.channels = s.at(p + "0.out_layers.3.weight")[0];
    ++l.resnets;
    if (s.has(p + "1.proj_in.weight")) {
      l.attention = true;
      l.transformer_layers = s.count(p + "1.transformer_blocks.", ".norm1.weight");
    }
  }
  return levels;
}

std::vector<Level> diffusers_levels(const Shapes& s) {
  std::vector<Level> levels;
  for (int i = 0; s.has("down_blocks." + std::to_string(i) + ".resnets.0.conv1.weight"); ++i) {
    const std::string p = "down_blocks." + std::to_string(i) + ".";
    Level l;
    l.channels = s.at(p + "resnets.0.conv1.weight")[0];
    l.resnets = s.count(p + "resnets.", ".conv1.weight");
    l.attention = s.has(p + "attentions.0.proj_in.weight");
    if (l.attention) {
      l.transformer_layers = s.count(p + "attentions.0.transformer_blocks.", ".norm1.weight");
      l.context = s.at(p + "attentions.0.transformer_blocks.0.attn2.to_k.weight")[1];
    }
    levels.push_back(l);
  }
  return levels;
}

// Context widths per block, as diffusers' config would list them: when the attention blocks
// (and the mid block) disagree, a plain level gets its own width (what AudioLDM's config
// holds) and the last level the mid block's, which reads the last entry.
void detect_per_block_context(const Shapes& s, const std::vector<Level>& levels, UNet2DConditionConfig& c) {
  const int64_t mid = s.at("mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight")[1];
  bool uniform = true;
  for (const auto& l : levels) uniform = uniform && (!l.attention || l.context == mid);
  if (uniform) return;
  c.cross_attention_dim = 0;
  c.cross_attention_dims.clear();
  for (const auto& l : levels) c.cross_attention_dims.push_back(l.attention ? l.context : l.channels);
  if (!levels.back().attention) c.cross_attention_dims.back() = mid;
  if (c.cross_attention_dims.back() != mid)
    throw ModelError("cannot infer the UNet architecture: the mid block attends to " + std::to_string(mid) +
                     "-wide context, the last down block to " + std::to_string(c.cross_attention_dims.back()) +
                     "-wide (diffusers gives both the same width)");
}

// diffusers' class embedding: a Linear (simple_projection) is read; the other kinds are
// named and refused. Concatenation shows in the ResNets' time_emb_proj input width.
void detect_class_embedding(const Shapes& s, UNet2DConditionConfig& c) {
  if (s.has("class_embedding.linear_1.weight"))
    throw ModelError("UNet weights: a class_embedding MLP (class_embed_type 'projection' or 'timestep') is not supported");
  if (s.has("class_embedding.weight") && s.at("class_embedding.weight").size() != 2)
    throw ModelError("UNet weights: an embedding-table class_embedding (num_class_embeds) is not supported");
  if (!s.has("class_embedding.weight")) return;
  c.class_embed_type = "simple_projection";
  c.projection_class_embeddings_input_dim = s.at("class_embedding.weight")[1];
  c.class_embeddings_concat = s.at("down_blocks.0.resnets.0.time_emb_proj.weight")[1] == 2 * c.time_embed_dim();
}

}  // namespace

UNet2DConditionConfig UNet2DConditionConfig::detect_from_weights(const ShapeMap& shapes, const UNetDetectHints& hints) {
  const bool prefixed = std::any_of(shapes.begin(), shapes.end(),
                                    [](const auto& kv) { return kv.first.rfind(kOriginalPrefix, 0) == 0; });
  const Shapes s(shapes, prefixed ? kOriginalPrefix : "");
  const bool original = s.has("input_blocks.0.0.weight");
  if (!original && !s.has("conv_in.weight"))
    throw ModelError("cannot infer the UNet architecture: neither input_blocks.0.0.weight nor conv_in.weight found");
  const auto levels = original ? original_levels(s) : diffusers_levels(s);
  if (levels.empty() || levels[0].resnets == 0) throw ModelError("cannot infer the UNet architecture: no ResNet blocks");

  UNet2DConditionConfig c;
  const auto& conv_in = s.at(original ? "input_blocks.0.0.weight" : "conv_in.weight");
  c.in_channels = conv_in[1];
  c.out_channels = s.at(original ? "out.2.weight" : "conv_out.weight")[0];
  c.layers_per_block = levels[0].resnets;
  c.block_out_channels.clear();
  c.down_block_types.clear();
  c.transformer_layers_per_block.clear();
  for (const auto& l : levels) {
    c.block_out_channels.push_back(l.channels);
    c.down_block_types.push_back(l.attention ? "CrossAttnDownBlock2D" : "DownBlock2D");
    c.transformer_layers_per_block.push_back(l.transformer_layers);
  }
  c.up_block_types.clear();
  for (auto it = levels.rbegin(); it != levels.rend(); ++it)
    c.up_block_types.push_back(it->attention ? "CrossAttnUpBlock2D" : "UpBlock2D");
  const std::string mid = original ? "middle_block.1." : "mid_block.attentions.0.";
  if (!s.has(mid + "proj_in.weight")) throw ModelError("cannot infer the UNet architecture: no mid-block attention");
  c.mid_transformer_layers = s.count(mid + "transformer_blocks.", ".norm1.weight");
  c.use_linear_projection = s.at(mid + "proj_in.weight").size() == 2;
  const auto* to_k = s.find_suffix("attn2.to_k.weight");
  if (!to_k) throw ModelError("cannot infer the UNet architecture: no cross-attention found");
  c.cross_attention_dim = (*to_k)[1];
  if (!original) {
    detect_per_block_context(s, levels, c);
    detect_class_embedding(s, c);
  }
  c.norm_num_groups = hints.norm_num_groups;
  // Heads are not in the weights. SD 2.x (OpenCLIP context, 1024 wide) uses 64-wide
  // heads, SD 1.x 8 heads per block; other models pass theirs as a hint.
  const bool sd2 = c.cross_attention_dim == 1024;
  c.num_attention_heads = hints.num_attention_heads;
  if (c.num_attention_heads.empty())
    for (auto ch : c.block_out_channels) c.num_attention_heads.push_back(sd2 ? std::max<int64_t>(ch / 64, 1) : 8);
  c.upcast_attention = sd2;  // diffusers sets it for SD 2.x; it only changes fp16 runs
  c.validate();
  return c;
}

}  // namespace gen::nn
