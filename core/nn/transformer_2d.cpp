#include <gen/nn/transformer_2d.h>

#include <torch/nn/functional/activation.h>
#include <torch/nn/modules/dropout.h>

#include "nn/nn_util.h"

namespace gen::nn {

GEGLUImpl::GEGLUImpl(int64_t dim_in, int64_t dim_out) {
  proj = register_module("proj", detail::linear(dim_in, dim_out * 2));
}

torch::Tensor GEGLUImpl::forward(const torch::Tensor& x) {
  auto parts = proj(x).chunk(2, -1);
  return parts[0] * torch::gelu(parts[1]);
}

FeedForwardImpl::FeedForwardImpl(int64_t dim, int64_t mult) {
  geglu_ = GEGLU(dim, dim * mult);
  out_ = detail::linear(dim * mult, dim);
  // The Dropout placeholder keeps the checkpoint indices (net.0, net.2).
  net = register_module("net", torch::nn::ModuleList(geglu_, torch::nn::Dropout(0.0), out_));
}

torch::Tensor FeedForwardImpl::forward(const torch::Tensor& x) { return out_(geglu_(x)); }

BasicTransformerBlockImpl::BasicTransformerBlockImpl(const TransformerOptions& o) {
  using namespace detail;
  const int64_t dim = o.channels;
  AttentionOptions self;
  self.query_dim = dim;
  self.heads = o.heads;
  self.dim_head = dim / o.heads;
  self.upcast_attention = o.upcast_attention;
  AttentionOptions cross = self;
  cross.cross_attention_dim = o.cross_attention_dim;
  norm1 = register_module("norm1", layer_norm(dim, 1e-5));
  attn1 = register_module("attn1", Attention(self));
  norm2 = register_module("norm2", layer_norm(dim, 1e-5));
  attn2 = register_module("attn2", Attention(cross));
  norm3 = register_module("norm3", layer_norm(dim, 1e-5));
  ff = register_module("ff", FeedForward(dim));
}

torch::Tensor BasicTransformerBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
  auto h = attn1(norm1(x)) + x;
  h = attn2(norm2(h), context) + h;
  return ff(norm3(h)) + h;
}

Transformer2DModelImpl::Transformer2DModelImpl(const TransformerOptions& o) : o_(o) {
  using namespace detail;
  const int64_t c = o.channels;
  // The transformer's GroupNorm uses eps 1e-6, unlike the ResNet blocks (norm_eps).
  norm = register_module("norm", group_norm(o.norm_num_groups, c, 1e-6));
  if (o.use_linear_projection) {
    proj_in = torch::nn::AnyModule(linear(c, c));
    proj_out = torch::nn::AnyModule(linear(c, c));
  } else {
    proj_in = torch::nn::AnyModule(conv2d(c, c, 1, 0));
    proj_out = torch::nn::AnyModule(conv2d(c, c, 1, 0));
  }
  register_module("proj_in", proj_in.ptr());
  transformer_blocks = register_module("transformer_blocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < o.layers; ++i) transformer_blocks->push_back(BasicTransformerBlock(o));
  register_module("proj_out", proj_out.ptr());
}

torch::Tensor Transformer2DModelImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
  const int64_t B = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  auto to_tokens = [&](const torch::Tensor& t) { return t.permute({0, 2, 3, 1}).reshape({B, H * W, C}); };
  auto to_map = [&](const torch::Tensor& t) { return t.reshape({B, H, W, C}).permute({0, 3, 1, 2}); };
  auto h = norm(x);
  // Conv projections act on the map, linear ones on the tokens: same math, different layout.
  h = o_.use_linear_projection ? proj_in.forward(to_tokens(h)) : to_tokens(proj_in.forward(h));
  for (const auto& block : *transformer_blocks) h = block->as<BasicTransformerBlock>()->forward(h, context);
  h = o_.use_linear_projection ? to_map(proj_out.forward(h)) : proj_out.forward(to_map(h).contiguous());
  return h + x;
}

}  // namespace gen::nn
