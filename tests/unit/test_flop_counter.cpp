// The FLOP counter behind `gen bench` against hand-computed counts: convolutions
// (strided, 1x1, transposed), linear layers, bmm/matmul with broadcasting, and no
// double counting where an op dispatches to another counted op (linear -> addmm/mm,
// conv2d -> convolution -> _convolution -> mkldnn, matmul -> bmm).
#include <gtest/gtest.h>

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

#include <gen/bench/flop_counter.h>

namespace {

using gen::bench::OpCounter;

// 2 * N * C_out * H_out * W_out * (C_in * kh * kw)
double conv_count(double n, double cout, double hw_out, double cin, double k) { return 2 * n * cout * hw_out * cin * k * k; }

struct Net {
  torch::nn::Conv2d conv{torch::nn::Conv2dOptions(3, 4, 3).padding(1)};
  torch::nn::Conv2d strided{torch::nn::Conv2dOptions(3, 4, 3).padding(1).stride(2)};
  torch::nn::Conv2d pointwise{torch::nn::Conv2dOptions(3, 5, 1)};
  torch::nn::Linear linear{6, 7};
  torch::nn::Linear linear_nobias{torch::nn::LinearOptions(6, 7).bias(false)};

  // Every op below, and its hand count.
  double run_and_expect() {
    auto x = torch::randn({2, 3, 8, 8});
    conv(x);
    strided(x);
    pointwise(x);
    double expected = conv_count(2, 4, 64, 3, 3) + conv_count(2, 4, 16, 3, 3) + conv_count(2, 5, 64, 3, 1);
    linear(torch::randn({2, 5, 6}));         // [2,5,6] -> 7
    linear_nobias(torch::randn({4, 6}));     // 2-D, no bias
    expected += 2.0 * 10 * 6 * 7 + 2.0 * 4 * 6 * 7;
    torch::bmm(torch::randn({3, 4, 5}), torch::randn({3, 5, 6}));
    torch::matmul(torch::randn({2, 3, 4, 5}), torch::randn({5, 6}));     // folded into one mm
    torch::matmul(torch::randn({2, 1, 4, 5}), torch::randn({3, 5, 6}));  // batch dims broadcast to 2x3
    torch::matmul(torch::randn({5}), torch::randn({5, 6}));              // vector @ matrix
    expected += 2.0 * 3 * 4 * 5 * 6 + 2.0 * 6 * 4 * 5 * 6 + 2.0 * 6 * 4 * 5 * 6 + 2.0 * 5 * 6;
    torch::addmm(torch::randn({7}), torch::randn({4, 6}), torch::randn({6, 7}));
    torch::baddbmm(torch::randn({3, 4, 6}), torch::randn({3, 4, 5}), torch::randn({3, 5, 6}));
    expected += 2.0 * 4 * 6 * 7 + 2.0 * 3 * 4 * 5 * 6;
    // Transposed conv: each input element meets C_out * kh * kw weights.
    const std::vector<int64_t> stride{2, 2};
    torch::conv_transpose2d(torch::randn({1, 4, 5, 5}), torch::randn({4, 3, 3, 3}), torch::Tensor(), stride);
    expected += 2.0 * 100 * 27;
    // Not counted: elementwise and normalisation ops.
    torch::relu(x).sum();
    torch::group_norm(x, 3);
    return expected;
  }
};

TEST(FlopCounter, MatchesHandCountWithAutograd) {
  Net net;
  OpCounter counter;
  const double expected = net.run_and_expect();
  EXPECT_DOUBLE_EQ(counter.flops(), expected);
}

TEST(FlopCounter, MatchesHandCountInInferenceModeOnTwoThreads) {
  const int saved = at::get_num_threads();
  at::set_num_threads(2);  // kernels may fan out to worker threads; they must not add counts
  Net net;
  c10::InferenceMode guard;
  OpCounter counter;
  const double expected = net.run_and_expect();
  EXPECT_DOUBLE_EQ(counter.flops(), expected);
  at::set_num_threads(saved);
}

TEST(FlopCounter, AttributesFlopsToTopLevelOps) {
  torch::nn::Conv2d conv(torch::nn::Conv2dOptions(3, 4, 3).padding(1));
  torch::nn::Linear linear(6, 7);  // LibTorch's C++ Linear calls matmul (3-D input), not aten::linear
  torch::NoGradGuard no_grad;
  OpCounter counter;
  conv(torch::randn({2, 3, 8, 8}));
  conv(torch::randn({2, 3, 8, 8}));
  linear(torch::randn({2, 5, 6}));
  torch::linear(torch::randn({3, 6}), linear->weight, linear->bias);  // aten::linear -> addmm inside
  const auto& ops = counter.top_level();
  ASSERT_TRUE(ops.count("aten::conv2d"));
  ASSERT_TRUE(ops.count("aten::matmul"));
  ASSERT_TRUE(ops.count("aten::linear"));
  EXPECT_EQ(ops.at("aten::conv2d").calls, 2);
  EXPECT_DOUBLE_EQ(ops.at("aten::conv2d").flops, 2 * conv_count(2, 4, 64, 3, 3));
  EXPECT_DOUBLE_EQ(ops.at("aten::matmul").flops, 2.0 * 10 * 6 * 7);
  EXPECT_DOUBLE_EQ(ops.at("aten::linear").flops, 2.0 * 3 * 6 * 7);
  EXPECT_EQ(ops.count("aten::addmm"), 0u);  // nested in linear, not top-level
  EXPECT_EQ(ops.count("aten::mm"), 0u);     // nested in matmul
  EXPECT_GE(ops.at("aten::conv2d").seconds, 0.0);
}

TEST(FlopCounter, CountsOnlyWhileAlive) {
  auto a = torch::randn({4, 6}), b = torch::randn({6, 7});
  torch::mm(a, b);
  double inside = 0;
  {
    OpCounter counter;
    torch::mm(a, b);
    inside = counter.flops();
    EXPECT_THROW(OpCounter second, std::logic_error);
  }
  EXPECT_DOUBLE_EQ(inside, 2.0 * 4 * 6 * 7);
  OpCounter fresh;
  EXPECT_DOUBLE_EQ(fresh.flops(), 0.0);
}

TEST(FlopCounter, OpFlopsOfConvPaddingSame) {
  std::vector<c10::IValue> in{torch::zeros({1, 2, 6, 6}), torch::zeros({3, 2, 3, 3}), c10::IValue(),
                              std::vector<int64_t>{1, 1}, std::string("same"), std::vector<int64_t>{1, 1}, int64_t{1}};
  const c10::ArrayRef<const c10::IValue> inputs(in.data(), in.size());
  EXPECT_DOUBLE_EQ(gen::bench::op_flops("aten::conv2d", inputs), conv_count(1, 3, 36, 2, 3));
  EXPECT_DOUBLE_EQ(gen::bench::op_flops("aten::relu", inputs), 0.0);
}

}  // namespace
