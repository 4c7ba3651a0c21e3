// torch.nn.TransformerEncoderLayer's two orders, written out by hand on random weights:
// post-LN (the default, MDM's) and pre-LN (norm_first, what points3d's network uses).
#include <gtest/gtest.h>

#include <gen/nn/transformer_encoder.h>

namespace {

torch::Tensor by_hand_attention(gen::nn::MultiheadSelfAttentionImpl& a, const torch::Tensor& x, int64_t heads) {
  const int64_t B = x.size(0), S = x.size(1), d = x.size(2), hd = d / heads;
  auto qkv = torch::matmul(x, a.in_proj_weight.t()) + a.in_proj_bias;
  auto split = [&](const torch::Tensor& t) { return t.reshape({B, S, heads, hd}).transpose(1, 2); };
  auto q = split(qkv.narrow(2, 0, d)), k = split(qkv.narrow(2, d, d)), v = split(qkv.narrow(2, 2 * d, d));
  auto probs = torch::softmax(torch::matmul(q, k.transpose(-1, -2)) / std::sqrt(static_cast<double>(hd)), -1);
  auto out = torch::matmul(probs, v).transpose(1, 2).reshape({B, S, d});
  return a.out_proj(out);
}

struct Layer {
  gen::nn::TransformerEncoderOptions o;
  gen::nn::TransformerEncoderLayer layer{nullptr};
  explicit Layer(bool norm_first) {
    o.d_model = 16;
    o.nhead = 4;
    o.dim_feedforward = 32;
    o.num_layers = 1;
    o.dropout = 0;
    o.activation = "gelu";
    o.norm_first = norm_first;
    torch::manual_seed(3);
    layer = gen::nn::TransformerEncoderLayer(o);
    torch::NoGradGuard no_grad;
    for (auto& p : layer->parameters()) p.copy_(torch::randn_like(p) * 0.3);  // norms too: not the identity
    layer->eval();
  }
  torch::Tensor ff(const torch::Tensor& x) { return layer->linear2(torch::gelu(layer->linear1(x))); }
  torch::Tensor sa(const torch::Tensor& x) { return by_hand_attention(*layer->self_attn, x, o.nhead); }
};

TEST(TransformerEncoder, PostNormLayerIsTorchsDefaultOrder) {
  Layer l(false);
  torch::NoGradGuard no_grad;
  auto x = torch::randn({2, 5, 16});
  auto h = l.layer->norm1(x + l.sa(x));
  auto expected = l.layer->norm2(h + l.ff(h));
  EXPECT_TRUE(torch::allclose(l.layer->forward(x), expected, 1e-5, 1e-5));
}

TEST(TransformerEncoder, NormFirstLayerNormalisesBeforeEachBranch) {
  Layer l(true);
  torch::NoGradGuard no_grad;
  auto x = torch::randn({2, 5, 16});
  auto h = x + l.sa(l.layer->norm1(x));
  auto expected = h + l.ff(l.layer->norm2(h));
  const auto got = l.layer->forward(x);
  EXPECT_TRUE(torch::allclose(got, expected, 1e-5, 1e-5)) << (got - expected).abs().max().item<float>();
  Layer post(false);
  EXPECT_FALSE(torch::allclose(got, post.layer->forward(x), 1e-3, 1e-3)) << "the two orders must differ";
}

}  // namespace
