#include <gen/nn/transformer_encoder.h>

#include <cmath>
#include <limits>

#include <torch/nn/init.h>

#include <gen/error.h>
#include <gen/nn/attention.h>

#include "nn/nn_util.h"

namespace gen::nn {
namespace {

// [B, S] bool (true = padding) -> additive [B, 1, 1, S]: -inf on padded keys, as torch
// turns a boolean key_padding_mask into a float one before the scores' softmax.
torch::Tensor key_padding_bias(const torch::Tensor& pad, torch::ScalarType dtype) {
  auto bias = torch::zeros(pad.sizes(), torch::TensorOptions().dtype(dtype).device(pad.device()));
  bias.masked_fill_(pad.to(torch::kBool), -std::numeric_limits<double>::infinity());
  return bias.unsqueeze(1).unsqueeze(1);
}

// Training with attention dropout: multi_head_attention has no dropout on the
// probabilities, so this plain path adds it (sequences here are short, a whole
// [B, heads, S, S] score tensor is small).
torch::Tensor attention_with_dropout(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                     int64_t heads, const torch::Tensor& bias, double p) {
  const int64_t B = q.size(0), S = q.size(1), d = q.size(2) / heads;
  auto split = [&](const torch::Tensor& t) { return t.reshape({B, S, heads, d}).transpose(1, 2); };
  auto scores = torch::matmul(split(q) * (1.0 / std::sqrt(static_cast<double>(d))), split(k).transpose(-1, -2));
  if (bias.defined()) scores = scores + bias;
  auto probs = torch::dropout(torch::softmax(scores, -1), p, /*train=*/true);
  return torch::matmul(probs, split(v)).transpose(1, 2).reshape({B, S, heads * d});
}

// at::linear on [B, S, d] runs matmul and then a separate pass adding the bias; on the
// [B*S, d] token matrix it is one addmm that starts from the bias.
torch::Tensor linear_tokens(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  auto sizes = x.sizes().vec();
  sizes.back() = weight.size(0);
  return torch::addmm(bias, x.reshape({-1, x.size(-1)}), weight.t()).view(sizes);
}

torch::Tensor linear_tokens(const torch::nn::Linear& layer, const torch::Tensor& x) {
  return linear_tokens(x, layer->weight, layer->bias);
}

torch::Tensor dropout_if_training(const torch::Tensor& x, double p, bool training) {
  return training && p > 0 ? torch::dropout(x, p, /*train=*/true) : x;
}

}  // namespace

void check_transformer_encoder_options(const TransformerEncoderOptions& o, const std::string& where) {
  if (o.d_model <= 0 || o.nhead <= 0 || o.d_model % o.nhead != 0)
    throw ModelError(where + ": width " + std::to_string(o.d_model) + " is not divisible into " +
                     std::to_string(o.nhead) + " heads");
  if (o.dim_feedforward <= 0) throw ModelError(where + ": the feed-forward width must be positive");
  if (o.num_layers <= 0) throw ModelError(where + ": needs at least one layer");
  if (!(o.dropout >= 0 && o.dropout < 1)) throw ModelError(where + ": dropout must be in [0, 1)");
  if (o.activation != "gelu" && o.activation != "relu")
    throw ModelError(where + ": activation '" + o.activation + "' is not supported (gelu, relu)");
  if (!(o.layer_norm_eps > 0)) throw ModelError(where + ": layer_norm_eps must be positive");
}

MultiheadSelfAttentionImpl::MultiheadSelfAttentionImpl(int64_t embed_dim, int64_t heads, double dropout)
    : heads_(heads), dropout_(dropout) {
  in_proj_weight = register_parameter("in_proj_weight", torch::empty({3 * embed_dim, embed_dim}));
  in_proj_bias = register_parameter("in_proj_bias", torch::zeros({3 * embed_dim}));
  out_proj = register_module("out_proj", detail::linear(embed_dim, embed_dim));
  // torch's initialisation, so training from scratch starts where PyTorch's would.
  torch::nn::init::xavier_uniform_(in_proj_weight);
  torch::nn::init::zeros_(out_proj->bias);
}

torch::Tensor MultiheadSelfAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& key_padding_mask) {
  const auto qkv = linear_tokens(x, in_proj_weight, in_proj_bias).chunk(3, -1);
  const auto bias = key_padding_mask.defined() ? key_padding_bias(key_padding_mask, x.scalar_type()) : torch::Tensor();
  torch::Tensor out;
  if (is_training() && dropout_ > 0) {
    out = attention_with_dropout(qkv[0], qkv[1], qkv[2], heads_, bias, dropout_);
  } else {
    AttentionCall call;
    call.heads = heads_;
    call.mask = bias;
    out = multi_head_attention(qkv[0], qkv[1], qkv[2], call);
  }
  return linear_tokens(out_proj, out);
}

TransformerEncoderLayerImpl::TransformerEncoderLayerImpl(const TransformerEncoderOptions& o) : o_(o) {
  check_transformer_encoder_options(o, "transformer encoder layer");
  self_attn = register_module("self_attn", MultiheadSelfAttention(o.d_model, o.nhead, o.dropout));
  linear1 = register_module("linear1", detail::linear(o.d_model, o.dim_feedforward));
  linear2 = register_module("linear2", detail::linear(o.dim_feedforward, o.d_model));
  norm1 = register_module("norm1", detail::layer_norm(o.d_model, o.layer_norm_eps));
  norm2 = register_module("norm2", detail::layer_norm(o.d_model, o.layer_norm_eps));
}

torch::Tensor TransformerEncoderLayerImpl::feed_forward(const torch::Tensor& x) {
  auto h = linear_tokens(linear1, x);
  h = o_.activation == "gelu" ? torch::gelu(h) : torch::relu(h);
  return linear_tokens(linear2, dropout_if_training(h, o_.dropout, is_training()));
}

torch::Tensor TransformerEncoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& key_padding_mask) {
  if (o_.norm_first) {
    auto h = x + dropout_if_training(self_attn(norm1(x), key_padding_mask), o_.dropout, is_training());
    return h + dropout_if_training(feed_forward(norm2(h)), o_.dropout, is_training());
  }
  auto h = norm1(x + dropout_if_training(self_attn(x, key_padding_mask), o_.dropout, is_training()));
  return norm2(h + dropout_if_training(feed_forward(h), o_.dropout, is_training()));
}

TransformerEncoderImpl::TransformerEncoderImpl(const TransformerEncoderOptions& o) {
  check_transformer_encoder_options(o, "transformer encoder");
  layers = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < o.num_layers; ++i) layers->push_back(TransformerEncoderLayer(o));
}

torch::Tensor TransformerEncoderImpl::forward(const torch::Tensor& x, const torch::Tensor& key_padding_mask) {
  auto h = x;
  for (const auto& layer : *layers) h = layer->as<TransformerEncoderLayer>()->forward(h, key_padding_mask);
  return h;
}

}  // namespace gen::nn
