// Spatial transformer of SD's UNet (diffusers' Transformer2DModel, continuous input):
// GroupNorm -> proj_in (1x1 conv, or Linear when use_linear_projection) -> N x
// BasicTransformerBlock (self-attn, cross-attn, GEGLU feed-forward; pre-LayerNorm) ->
// proj_out -> + input.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/types.h>

#include <gen/export.h>
#include <gen/nn/attention.h>

namespace gen::nn {

// GEGLU: proj(x) split in half along the last dim -> a * gelu(gate) (exact erf GELU).
class GEN_API GEGLUImpl : public torch::nn::Module {
 public:
  GEGLUImpl(int64_t dim_in, int64_t dim_out);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Linear proj{nullptr};
};
TORCH_MODULE(GEGLU);

// ff.net.0 = GEGLU(dim, 4*dim), ff.net.1 = Dropout (no weights), ff.net.2 = Linear(4*dim, dim).
class GEN_API FeedForwardImpl : public torch::nn::Module {
 public:
  FeedForwardImpl(int64_t dim, int64_t mult = 4);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::ModuleList net{nullptr};

 private:
  GEGLU geglu_{nullptr};
  torch::nn::Linear out_{nullptr};
};
TORCH_MODULE(FeedForward);

struct TransformerOptions {
  int64_t channels = 0;             // = heads * head_dim
  int64_t heads = 8;
  int64_t cross_attention_dim = 0;  // width of encoder_hidden_states
  int64_t layers = 1;               // transformer_layers_per_block
  int64_t norm_num_groups = 32;
  bool use_linear_projection = false;
  bool upcast_attention = false;
};

class GEN_API BasicTransformerBlockImpl : public torch::nn::Module {
 public:
  explicit BasicTransformerBlockImpl(const TransformerOptions& o);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context);

  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr}, norm3{nullptr};
  Attention attn1{nullptr}, attn2{nullptr};
  FeedForward ff{nullptr};
};
TORCH_MODULE(BasicTransformerBlock);

class GEN_API Transformer2DModelImpl : public torch::nn::Module {
 public:
  explicit Transformer2DModelImpl(const TransformerOptions& o);
  // x [B, C, H, W], context [B, M, cross_attention_dim] -> [B, C, H, W]
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context);

  torch::nn::GroupNorm norm{nullptr};
  torch::nn::AnyModule proj_in, proj_out;  // Conv2d 1x1 or Linear
  torch::nn::ModuleList transformer_blocks{nullptr};

 private:
  TransformerOptions o_;
};
TORCH_MODULE(Transformer2DModel);

}  // namespace gen::nn
