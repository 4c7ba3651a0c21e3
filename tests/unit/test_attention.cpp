// multi_head_attention has two paths: query blocks written in place (inference) and
// differentiable chunks (training). Both are checked against a plain one-shot
// softmax(q k^T * scale + mask) v, with masks of every broadcast shape, upcasting,
// and block sizes that do not divide the sequence.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <gen/nn/attention.h>

namespace {

torch::Tensor reference(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, int64_t heads,
                        const torch::Tensor& mask = {}) {
  const int64_t B = q.size(0), N = q.size(1), M = k.size(1), d = q.size(2) / heads;
  auto split = [&](const torch::Tensor& t) { return t.reshape({B, t.size(1), heads, d}).permute({0, 2, 1, 3}); };
  auto scores = torch::matmul(split(q).to(torch::kFloat64), split(k).to(torch::kFloat64).transpose(-1, -2)) /
                std::sqrt(static_cast<double>(d));
  if (mask.defined()) scores = scores + mask.to(torch::kFloat64);
  auto out = torch::matmul(torch::softmax(scores, -1), split(v).to(torch::kFloat64));
  return out.permute({0, 2, 1, 3}).reshape({B, N, heads * d}).to(q.scalar_type());
}

struct Inputs {
  torch::Tensor q, k, v;
};

Inputs random_inputs(int64_t B, int64_t N, int64_t M, int64_t width, uint64_t seed) {
  torch::manual_seed(seed);
  return {torch::randn({B, N, width}), torch::randn({B, M, width}), torch::randn({B, M, width})};
}

TEST(Attention, InferenceBlocksMatchReference) {
  torch::NoGradGuard no_grad;
  auto in = random_inputs(2, 300, 77, 32, 1);  // 300 rows: one 256-row block and a partial one
  gen::nn::AttentionCall call;
  call.heads = 4;
  EXPECT_TRUE(torch::allclose(gen::nn::multi_head_attention(in.q, in.k, in.v, call), reference(in.q, in.k, in.v, 4),
                              1e-5, 1e-5));
  call.max_score_elements = 5 * 77;  // 5-row blocks
  EXPECT_TRUE(torch::allclose(gen::nn::multi_head_attention(in.q, in.k, in.v, call), reference(in.q, in.k, in.v, 4),
                              1e-5, 1e-5));
}

TEST(Attention, MasksOfEveryBroadcastShape) {
  torch::NoGradGuard no_grad;
  auto in = random_inputs(2, 9, 9, 16, 2);
  const auto causal = torch::full({9, 9}, -INFINITY).triu(1);
  for (const auto& mask : {causal, causal.view({1, 1, 9, 9}).expand({2, 1, 9, 9}).clone(),
                           torch::randn({2, 4, 9, 9}), torch::randn({1, 4, 1, 9})}) {
    gen::nn::AttentionCall call;
    call.heads = 4;
    call.mask = mask;
    call.max_score_elements = 2 * 9;
    auto want = reference(in.q, in.k, in.v, 4, mask.dim() == 2 ? mask.view({1, 1, 9, 9}) : mask);
    EXPECT_TRUE(torch::allclose(gen::nn::multi_head_attention(in.q, in.k, in.v, call), want, 1e-5, 1e-5))
        << "mask " << mask.sizes();
  }
}

TEST(Attention, TrainingPathMatchesAndHasGradients) {
  auto in = random_inputs(2, 40, 12, 16, 3);
  auto q = in.q.clone().requires_grad_(true);
  gen::nn::AttentionCall call;
  call.heads = 2;
  call.mask = torch::randn({2, 1, 1, 12});
  call.max_score_elements = 3 * 12;  // chunks of queries within each head
  auto out = gen::nn::multi_head_attention(q, in.k, in.v, call);
  EXPECT_TRUE(torch::allclose(out, reference(in.q, in.k, in.v, 2, call.mask), 1e-5, 1e-5));
  out.pow(2).sum().backward();
  ASSERT_TRUE(q.grad().defined());
  // The same gradient through the one-shot reference.
  auto q2 = in.q.clone().requires_grad_(true);
  reference(q2, in.k, in.v, 2, call.mask).pow(2).sum().backward();
  EXPECT_TRUE(torch::allclose(q.grad(), q2.grad(), 1e-4, 1e-5));
}

TEST(Attention, UpcastKeepsHalfInputsAccurate) {
  torch::NoGradGuard no_grad;
  auto in = random_inputs(1, 20, 20, 16, 4);
  gen::nn::AttentionCall call;
  call.heads = 2;
  call.upcast = true;
  auto out = gen::nn::multi_head_attention(in.q.to(torch::kBFloat16), in.k.to(torch::kBFloat16),
                                           in.v.to(torch::kBFloat16), call);
  EXPECT_EQ(out.scalar_type(), torch::kBFloat16);
  EXPECT_LT((out.to(torch::kFloat32) - reference(in.q, in.k, in.v, 2)).abs().max().item<float>(), 0.05);
}

}  // namespace
