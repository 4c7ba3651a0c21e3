#include <gen/nn/clip_text_model.h>

#include <cmath>
#include <limits>

#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <gen/error.h>
#include <gen/nn/attention.h>

#include "nn/nn_util.h"

namespace gen::nn {
namespace {

struct ClipEmbeddingsImpl : torch::nn::Module {
  torch::nn::Embedding token_embedding{nullptr}, position_embedding{nullptr};
  explicit ClipEmbeddingsImpl(const ClipTextConfig& c) {
    token_embedding = register_module("token_embedding", torch::nn::Embedding(c.vocab_size, c.hidden_size));
    position_embedding =
        register_module("position_embedding", torch::nn::Embedding(c.max_position_embeddings, c.hidden_size));
  }
  torch::Tensor forward(const torch::Tensor& ids) {
    auto pos = torch::arange(ids.size(1), torch::TensorOptions().dtype(torch::kLong).device(ids.device()));
    return token_embedding(ids) + position_embedding(pos).unsqueeze(0);
  }
};
TORCH_MODULE(ClipEmbeddings);

struct ClipAttentionImpl : torch::nn::Module {
  torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, out_proj{nullptr};
  int64_t heads;
  explicit ClipAttentionImpl(const ClipTextConfig& c) : heads(c.num_attention_heads) {
    const int64_t d = c.hidden_size;
    k_proj = register_module("k_proj", detail::linear(d, d));
    v_proj = register_module("v_proj", detail::linear(d, d));
    q_proj = register_module("q_proj", detail::linear(d, d));
    out_proj = register_module("out_proj", detail::linear(d, d));
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask) {
    AttentionCall call;
    call.heads = heads;
    call.mask = mask;
    return out_proj(multi_head_attention(q_proj(x), k_proj(x), v_proj(x), call));
  }
};
TORCH_MODULE(ClipAttention);

struct ClipMlpImpl : torch::nn::Module {
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
  bool quick;
  explicit ClipMlpImpl(const ClipTextConfig& c) : quick(c.hidden_act == "quick_gelu") {
    fc1 = register_module("fc1", detail::linear(c.hidden_size, c.intermediate_size));
    fc2 = register_module("fc2", detail::linear(c.intermediate_size, c.hidden_size));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    auto h = fc1(x);
    h = quick ? h * torch::sigmoid(1.702 * h) : torch::gelu(h);
    return fc2(h);
  }
};
TORCH_MODULE(ClipMlp);

struct ClipEncoderLayerImpl : torch::nn::Module {
  ClipAttention self_attn{nullptr};
  torch::nn::LayerNorm layer_norm1{nullptr}, layer_norm2{nullptr};
  ClipMlp mlp{nullptr};
  explicit ClipEncoderLayerImpl(const ClipTextConfig& c) {
    self_attn = register_module("self_attn", ClipAttention(c));
    layer_norm1 = register_module("layer_norm1", detail::layer_norm(c.hidden_size, c.layer_norm_eps));
    mlp = register_module("mlp", ClipMlp(c));
    layer_norm2 = register_module("layer_norm2", detail::layer_norm(c.hidden_size, c.layer_norm_eps));
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask) {
    auto h = x + self_attn(layer_norm1(x), mask);
    return h + mlp(layer_norm2(h));
  }
};
TORCH_MODULE(ClipEncoderLayer);

struct ClipEncoderImpl : torch::nn::Module {
  torch::nn::ModuleList layers{nullptr};
  explicit ClipEncoderImpl(const ClipTextConfig& c) {
    layers = register_module("layers", torch::nn::ModuleList());
    for (int64_t i = 0; i < c.num_hidden_layers; ++i) layers->push_back(ClipEncoderLayer(c));
  }
};
TORCH_MODULE(ClipEncoder);

struct ClipTransformerImpl : torch::nn::Module {
  ClipEmbeddings embeddings{nullptr};
  ClipEncoder encoder{nullptr};
  torch::nn::LayerNorm final_layer_norm{nullptr};
  explicit ClipTransformerImpl(const ClipTextConfig& c) {
    embeddings = register_module("embeddings", ClipEmbeddings(c));
    encoder = register_module("encoder", ClipEncoder(c));
    final_layer_norm = register_module("final_layer_norm", detail::layer_norm(c.hidden_size, c.layer_norm_eps));
  }
};
TORCH_MODULE(ClipTransformer);

// Additive mask as transformers builds it: float32 lowest above the diagonal, plus
// lowest at padded keys (where both apply the sum overflows to -inf, as in Python).
torch::Tensor build_mask(int64_t L, const torch::Tensor& attention_mask, const torch::TensorOptions& opts) {
  const float lowest = std::numeric_limits<float>::lowest();
  auto mask = torch::full({L, L}, lowest, opts).triu(1).view({1, 1, L, L});
  if (attention_mask.defined()) {
    auto keep = attention_mask.to(opts.dtype()).view({attention_mask.size(0), 1, 1, L});
    mask = mask + (1.0 - keep) * lowest;
  }
  return mask;
}

}  // namespace

ClipTextModelImpl::ClipTextModelImpl(const ClipTextConfig& config) : config_(config) {
  config_.validate();
  text_model = register_module("text_model", ClipTransformer(config_).ptr());
}

torch::Tensor ClipTextModelImpl::pooled_positions(const torch::Tensor& input_ids) const {
  if (config_.eos_token_id == 2) return input_ids.to(torch::kLong).argmax(-1);  // legacy rule: largest id
  return (input_ids == config_.eos_token_id).to(torch::kInt).argmax(-1);      // first EOS, 0 if none
}

ClipTextOutput ClipTextModelImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) {
  if (input_ids.dim() != 2) throw UsageError("CLIP input_ids must be [B, L]");
  const int64_t L = input_ids.size(1);
  if (L > config_.max_position_embeddings)
    throw UsageError("CLIP input has " + std::to_string(L) + " tokens, the model takes at most " +
                     std::to_string(config_.max_position_embeddings));
  auto* tm = text_model->as<ClipTransformerImpl>();
  const auto ids = input_ids.to(torch::kLong);
  ClipTextOutput out;
  auto h = tm->embeddings(ids);
  const auto mask = build_mask(L, attention_mask, h.options());
  out.hidden_states.push_back(h);
  for (const auto& layer : *tm->encoder->layers) {
    h = layer->as<ClipEncoderLayerImpl>()->forward(h, mask);
    out.hidden_states.push_back(h);
  }
  out.last_hidden_state = tm->final_layer_norm(h);
  const auto pos = pooled_positions(ids).to(h.device());
  const auto batch = torch::arange(ids.size(0), torch::TensorOptions().dtype(torch::kLong).device(h.device()));
  out.pooler_output = out.last_hidden_state.index({batch, pos});
  return out;
}

torch::Tensor ClipTextModelImpl::encode(const torch::Tensor& input_ids, int64_t clip_skip) {
  auto out = forward(input_ids);
  if (clip_skip <= 0) return out.last_hidden_state;
  const int64_t n = static_cast<int64_t>(out.hidden_states.size());
  if (clip_skip + 1 > n) throw UsageError("clip skip " + std::to_string(clip_skip) + " exceeds the layer count");
  return text_model->as<ClipTransformerImpl>()->final_layer_norm(out.hidden_states[n - 1 - clip_skip]);
}

}  // namespace gen::nn
