// torch.nn's TransformerEncoder as PyTorch stores it, so checkpoints of models built
// from it (MDM's seqTransEncoder) load name for name: layers.{i}.self_attn.{in_proj_weight,
// in_proj_bias, out_proj.weight, out_proj.bias}, layers.{i}.linear1, linear2, norm1, norm2.
// Post-LN layers by default (torch's norm_first=False), pre-LN on request:
//   x = norm1(x + dropout(self_attn(x)));  x = norm2(x + dropout(linear2(dropout(act(linear1(x))))))
// Batch-first here ([B, S, d]); PyTorch's default is sequence-first, the math per token is the same.
#pragma once
#include <string>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/types.h>

#include <gen/export.h>

namespace gen::nn {

struct TransformerEncoderOptions {
  int64_t d_model = 512;
  int64_t nhead = 8;
  int64_t dim_feedforward = 2048;
  int64_t num_layers = 6;
  double dropout = 0.1;            // every dropout site of torch's layer; only in training mode
  std::string activation = "relu"; // "relu" or "gelu" (exact erf GELU), as torch accepts
  double layer_norm_eps = 1e-5;
  // torch's norm_first=True (pre-LN): x = x + self_attn(norm1(x)); x = x + ff(norm2(x)).
  // Deep stacks trained from scratch (Point-E's transformer) converge far more reliably.
  bool norm_first = false;
};

// Throws gen::ModelError, prefixed with `where`, for options no encoder can be built with.
GEN_API void check_transformer_encoder_options(const TransformerEncoderOptions& o, const std::string& where);

// torch.nn.MultiheadAttention used as self-attention: one packed projection whose rows
// are q, k, v (in_proj_weight [3d, d]), then out_proj.
class GEN_API MultiheadSelfAttentionImpl : public torch::nn::Module {
 public:
  MultiheadSelfAttentionImpl(int64_t embed_dim, int64_t heads, double dropout);
  // x [B, S, d]; key_padding_mask [B, S] bool, true = this key is padding (torch's meaning).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& key_padding_mask = {});

  torch::Tensor in_proj_weight, in_proj_bias;
  torch::nn::Linear out_proj{nullptr};

 private:
  int64_t heads_;
  double dropout_;
};
TORCH_MODULE(MultiheadSelfAttention);

class GEN_API TransformerEncoderLayerImpl : public torch::nn::Module {
 public:
  explicit TransformerEncoderLayerImpl(const TransformerEncoderOptions& o);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& key_padding_mask = {});

  MultiheadSelfAttention self_attn{nullptr};
  torch::nn::Linear linear1{nullptr}, linear2{nullptr};
  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};

 private:
  torch::Tensor feed_forward(const torch::Tensor& x);
  TransformerEncoderOptions o_;
};
TORCH_MODULE(TransformerEncoderLayer);

// A stack of layers without a final norm (torch's TransformerEncoder with norm=None).
class GEN_API TransformerEncoderImpl : public torch::nn::Module {
 public:
  explicit TransformerEncoderImpl(const TransformerEncoderOptions& o);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& key_padding_mask = {});

  torch::nn::ModuleList layers{nullptr};  // of TransformerEncoderLayer
};
TORCH_MODULE(TransformerEncoder);

}  // namespace gen::nn
