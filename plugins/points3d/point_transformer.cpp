#include "point_transformer.h"

#include <nlohmann/json.hpp>
#include <torch/nn/init.h>

#include <gen/error.h>

namespace points3d {

nlohmann::json PointTransformerConfig::to_json() const {
  return {{"_class_name", "PointTransformer"}, {"channels", channels}, {"width", width}, {"layers", layers},
          {"heads", heads}, {"text_dim", text_dim}, {"xyz_scale", xyz_scale}, {"slots", slots}};
}

PointTransformerConfig PointTransformerConfig::from_json(const nlohmann::json& j) {
  PointTransformerConfig c;
  try {
    c.channels = j.value("channels", c.channels);
    c.width = j.value("width", c.width);
    c.layers = j.value("layers", c.layers);
    c.heads = j.value("heads", c.heads);
    c.text_dim = j.value("text_dim", c.text_dim);
    c.xyz_scale = j.value("xyz_scale", c.xyz_scale);
    c.slots = j.value("slots", c.slots);
  } catch (const nlohmann::json::exception& e) {
    throw gen::ModelError(std::string("point transformer config: ") + e.what());
  }
  c.validate();
  return c;
}

void PointTransformerConfig::validate() const {
  if (channels != 3 && channels != 6)
    throw gen::ModelError("point transformer config: channels must be 3 (xyz) or 6 (xyz + rgb), got " + std::to_string(channels));
  if (width < 8 || width > 8192 || heads < 1 || width % heads != 0)
    throw gen::ModelError("point transformer config: width " + std::to_string(width) + " must be 8..8192 and a multiple of heads " +
                          std::to_string(heads));
  if (layers < 1 || layers > 256) throw gen::ModelError("point transformer config: layers must be 1..256");
  if (text_dim < 1 || text_dim > 16384) throw gen::ModelError("point transformer config: text_dim must be 1..16384");
  if (!(xyz_scale > 0 && xyz_scale < 1e6)) throw gen::ModelError("point transformer config: xyz_scale must be positive");
  if (slots != 0 && (slots < 16 || slots > 100000))
    throw gen::ModelError("point transformer config: slots must be 0 (unordered points) or 16..100000, got " + std::to_string(slots));
}

PointTransformerImpl::PointTransformerImpl(const PointTransformerConfig& c) : config_(c) {
  c.validate();
  input_proj = register_module("input_proj", torch::nn::Linear(c.channels, c.width));
  text_proj = register_module("text_proj", torch::nn::Linear(c.text_dim, c.width));
  time_embed = register_module("time_embed", gen::nn::TimestepEmbedding(c.width, c.width));
  ln_pre = register_module("ln_pre", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.width})));
  gen::nn::TransformerEncoderOptions o;
  o.d_model = c.width;
  o.nhead = c.heads;
  o.dim_feedforward = 4 * c.width;
  o.num_layers = c.layers;
  o.dropout = 0;
  o.activation = "gelu";
  o.norm_first = true;
  backbone = register_module("backbone", gen::nn::TransformerEncoder(o));
  ln_post = register_module("ln_post", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.width})));
  output_proj = register_module("output_proj", torch::nn::Linear(c.width, c.channels));
  if (c.slots > 0) slot_embed = register_parameter("slot_embed", torch::randn({c.slots, c.width}) * 0.02);
  // Point-E starts the output at zero: the untrained network predicts nothing.
  torch::NoGradGuard no_grad;
  output_proj->weight.zero_();
  output_proj->bias.zero_();
}

torch::Tensor PointTransformerImpl::forward(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& text) {
  const auto& c = config_;
  if (x.dim() != 3 || x.size(1) != c.channels)
    throw gen::ModelError("the point transformer takes [B, " + std::to_string(c.channels) + ", N], got " + c10::str(x.sizes()));
  if (text.dim() != 3 || text.size(2) != c.text_dim || (text.size(0) != x.size(0) && text.size(0) != 1))
    throw gen::ModelError("the point transformer takes text states [B, L, " + std::to_string(c.text_dim) + "], got " +
                          c10::str(text.sizes()));
  const int64_t batch = x.size(0), points = x.size(2);
  if (c.slots > 0 && points != c.slots)
    throw gen::ModelError("this point transformer makes exactly " + std::to_string(c.slots) + " ordered points, got " +
                          std::to_string(points));
  auto time = time_embed(gen::nn::timestep_sinusoidal(gen::nn::broadcast_timesteps(t, batch), c.width, true, 0))
                  .to(x.scalar_type());
  auto words = text_proj(text.size(0) == batch ? text : text.expand({batch, -1, -1}));
  auto point_tokens = input_proj(x.transpose(1, 2));
  if (c.slots > 0) point_tokens = point_tokens + slot_embed.to(point_tokens.scalar_type()).unsqueeze(0);
  auto tokens = torch::cat({time.unsqueeze(1), words, point_tokens}, 1);
  auto h = ln_post(backbone(ln_pre(tokens)));
  return output_proj(h.narrow(1, h.size(1) - points, points)).transpose(1, 2);
}

}  // namespace points3d
