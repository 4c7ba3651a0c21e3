// Multi-head scaled dot-product attention and diffusers' `Attention` module
// (to_q, to_k, to_v, to_out.0; optional group_norm + residual for the VAE).
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/types.h>

#include <gen/export.h>

namespace gen::nn {

struct AttentionCall {
  int64_t heads = 1;
  double scale = 0.0;        // 0: 1/sqrt(head_dim)
  bool upcast = false;       // compute scores and softmax in float32 for half inputs
  torch::Tensor mask;        // additive, broadcastable to [B, heads, N, M]; optional
  // Upper bound on score elements materialised at once: heads, then queries, are
  // processed in chunks so a 4096x4096 self-attention never holds every head's matrix.
  int64_t max_score_elements = int64_t(1) << 24;
};

// q [B, N, heads*d], k/v [B, M, heads*d] -> [B, N, heads*d]; softmax over keys.
GEN_API torch::Tensor multi_head_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                           const AttentionCall& call);

struct AttentionOptions {
  int64_t query_dim = 0;
  int64_t cross_attention_dim = 0;  // 0: self-attention (keys/values from the query input)
  int64_t heads = 1;
  int64_t dim_head = 64;
  bool qkv_bias = false;            // UNet transformer: false; VAE mid-block: true
  bool upcast_attention = false;
  int64_t norm_num_groups = 0;      // >0: GroupNorm "group_norm" on the input (VAE)
  double norm_eps = 1e-6;
  bool residual_connection = false; // VAE: output + input
};

class GEN_API AttentionImpl : public torch::nn::Module {
 public:
  explicit AttentionImpl(const AttentionOptions& o);
  // x: [B, N, C] or a feature map [B, C, H, W] (flattened to tokens and back).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context = {});

  torch::nn::GroupNorm group_norm{nullptr};
  torch::nn::Linear to_q{nullptr}, to_k{nullptr}, to_v{nullptr};
  torch::nn::ModuleList to_out{nullptr};  // [0] = output Linear (diffusers keeps Dropout at [1])

 private:
  AttentionOptions o_;
};
TORCH_MODULE(Attention);

}  // namespace gen::nn
