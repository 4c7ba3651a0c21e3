// Guidance wrappers and prediction converters, checked against direct formulas.
#include <ATen/CPUGeneratorImpl.h>

#include <gen/error.h>
#include <gen/guidance.h>

#include "test_util.h"

namespace {

// Output depends on x_t and on the conditioning, so uncond/cond are distinguishable.
class RecordingDenoiser : public gen::Denoiser {
 public:
  std::vector<int64_t> batch_sizes;
  torch::Tensor predict(const torch::Tensor& x, const torch::Tensor& t, const gen::Conditioning& c) override {
    batch_sizes.push_back(x.size(0));
    EXPECT_EQ(t.size(0), x.size(0));
    auto shift = c.context.mean({1, 2}).reshape({-1, 1, 1, 1});
    return x * 0.1 + shift + t.reshape({-1, 1, 1, 1}).to(x.scalar_type()) * 1e-3;
  }
  gen::PredictionType prediction_type() const override { return gen::PredictionType::epsilon; }
};

gen::Conditioning context(float value, int64_t batch, int64_t length = 5) {
  gen::Conditioning c;
  c.context = torch::full({batch, length, 8}, value);
  return c;
}

}  // namespace

TEST(Cfg, OneBatchedCallEqualsTwoSeparateCalls) {
  RecordingDenoiser model;
  gen::CfgOptions o;
  o.scale = 6.0;
  gen::ClassifierFreeGuidance cfg(model, context(-1.0f, 1), o);
  auto x = torch::randn({3, 4, 8, 8});
  auto t = torch::full({3}, 500.0);
  auto cond = context(2.0f, 3);
  auto guided = cfg.predict(x, t, cond);
  EXPECT_EQ(model.batch_sizes, std::vector<int64_t>{6});  // uncond + cond in one call
  auto u = model.predict(x, t, context(-1.0f, 3));
  auto c = model.predict(x, t, cond);
  EXPECT_TRUE(torch::allclose(guided, u + 6.0 * (c - u), 1e-5, 1e-6));
}

TEST(Cfg, DifferentTextLengthsFallBackToTwoCallsWithSameResult) {
  RecordingDenoiser model;
  gen::CfgOptions o;
  o.scale = 3.0;
  gen::ClassifierFreeGuidance cfg(model, context(0.5f, 1, 7), o);
  auto x = torch::randn({2, 4, 4, 4});
  auto t = torch::full({1}, 10.0);
  auto guided = cfg.predict(x, t, context(1.5f, 2, 3));
  EXPECT_EQ(model.batch_sizes, (std::vector<int64_t>{2, 2}));
  auto expected = (x * 0.1 + 0.5 + 0.01) + 3.0 * 1.0;
  EXPECT_TRUE(torch::allclose(guided, expected, 1e-5, 1e-5));
}

TEST(Cfg, IntervalSkipsGuidanceOutsideRange) {
  RecordingDenoiser model;
  gen::CfgOptions o;
  o.scale = 5.0;
  o.t_min = 200;
  o.t_max = 800;
  gen::ClassifierFreeGuidance cfg(model, context(-1.0f, 1), o);
  auto x = torch::randn({1, 4, 4, 4});
  auto cond = context(1.0f, 1);
  auto outside = cfg.predict(x, torch::full({1}, 900.0), cond);
  EXPECT_TRUE(torch::allclose(outside, model.predict(x, torch::full({1}, 900.0), cond)));
  model.batch_sizes.clear();
  cfg.predict(x, torch::full({1}, 500.0), cond);
  EXPECT_EQ(model.batch_sizes, std::vector<int64_t>{2});
}

TEST(Cfg, RescaleMatchesFormula) {
  auto u = torch::randn({2, 4, 4, 4});
  auto c = torch::randn({2, 4, 4, 4}) * 2;
  auto g = u + 7.0 * (c - u);
  EXPECT_TRUE(torch::allclose(gen::combine_cfg(u, c, 7.0, 0.0), g));
  auto std_c = c.std({1, 2, 3}, true, true), std_g = g.std({1, 2, 3}, true, true);
  auto expected = 0.7 * g * (std_c / std_g) + 0.3 * g;
  auto got = gen::combine_cfg(u, c, 7.0, 0.7);
  EXPECT_TRUE(torch::allclose(got, expected, 1e-5, 1e-6));
  // rescale 1 gives exactly the conditional prediction's per-sample spread
  EXPECT_TRUE(torch::allclose(gen::combine_cfg(u, c, 7.0, 1.0).std({1, 2, 3}, true, true), std_c, 1e-4, 1e-5));
}

TEST(Cfg, RejectsBadScales) {
  RecordingDenoiser model;
  gen::CfgOptions o;
  o.scale = std::nan("");
  EXPECT_THROW(gen::ClassifierFreeGuidance(model, {}, o), gen::UsageError);
  o.scale = 2;
  o.rescale = 1.5;
  EXPECT_THROW(gen::ClassifierFreeGuidance(model, {}, o), gen::UsageError);
}

namespace {

// Reads two parts of a condition, the second non-linearly, so the chain's links differ.
class TwoPartDenoiser : public gen::Denoiser {
 public:
  std::vector<int64_t> batch_sizes;
  torch::Tensor predict(const torch::Tensor& x, const torch::Tensor&, const gen::Conditioning& c) override {
    batch_sizes.push_back(x.size(0));
    auto a = c.context.mean({1, 2}).reshape({-1, 1, 1, 1});
    auto b = c.extra.at("motion").mean({1, 2}).reshape({-1, 1, 1, 1});
    return x * 0.1 + a + torch::tanh(b) * x;
  }
  gen::PredictionType prediction_type() const override { return gen::PredictionType::v_prediction; }
};

gen::Conditioning two_part(float a, float b, int64_t batch, int64_t length = 5) {
  auto c = context(a, batch, length);
  c.extra["motion"] = torch::full({batch, 3, 4}, b);
  return c;
}

}  // namespace

TEST(ChainedGuidance, EachScaleWeighsItsLinkInOneBatchedCall) {
  TwoPartDenoiser model;
  gen::ChainedGuidance guidance(model, {two_part(0, 0, 1), two_part(2, 0, 1)}, {4.0, 9.0});
  auto x = torch::randn({2, 4, 4, 4});
  auto t = torch::full({1}, 300.0);
  auto full = two_part(2, 1.5, 2);
  auto guided = guidance.predict(x, t, full);
  EXPECT_EQ(model.batch_sizes, std::vector<int64_t>{6});  // three links, two clips
  EXPECT_EQ(guidance.network_calls(), 1);
  EXPECT_EQ(guidance.prediction_type(), gen::PredictionType::v_prediction);
  auto tt = torch::full({2}, 300.0);
  auto e0 = model.predict(x, tt, two_part(0, 0, 2));
  auto e1 = model.predict(x, tt, two_part(2, 0, 2));
  auto e2 = model.predict(x, tt, full);
  EXPECT_TRUE(torch::allclose(guided, e0 + 4.0 * (e1 - e0) + 9.0 * (e2 - e1), 1e-5, 1e-5));
}

TEST(ChainedGuidance, EqualScalesArePlainCfg) {
  TwoPartDenoiser model;
  auto empty = two_part(-1, 0.5, 1);
  gen::ChainedGuidance chained(model, {empty, two_part(3, 0.5, 1)}, {6.0, 6.0});
  gen::CfgOptions o;
  o.scale = 6.0;
  gen::ClassifierFreeGuidance cfg(model, empty, o);
  auto x = torch::randn({1, 4, 8, 8});
  auto t = torch::full({1}, 700.0);
  auto cond = two_part(3, -2, 1);
  EXPECT_TRUE(torch::allclose(chained.predict(x, t, cond), cfg.predict(x, t, cond), 1e-5, 1e-5));
}

TEST(ChainedGuidance, UnstackableLinksRunOneByOneWithTheSameResult) {
  TwoPartDenoiser model;
  gen::ChainedGuidance guidance(model, {two_part(0, 0, 1, 7), two_part(1, 0, 1, 3)}, {2.0, 5.0});
  auto x = torch::randn({1, 4, 4, 4});
  auto t = torch::full({1}, 10.0);
  auto cond = two_part(1, 0.7f, 1, 3);
  auto guided = guidance.predict(x, t, cond);
  EXPECT_EQ(model.batch_sizes, (std::vector<int64_t>{1, 1, 1}));
  EXPECT_EQ(guidance.network_calls(), 3);
  auto e0 = model.predict(x, t, two_part(0, 0, 1, 7));
  auto e1 = model.predict(x, t, two_part(1, 0, 1, 3));
  auto e2 = model.predict(x, t, cond);
  EXPECT_TRUE(torch::allclose(guided, e0 + 2.0 * (e1 - e0) + 5.0 * (e2 - e1), 1e-5, 1e-5));
}

TEST(ChainedGuidance, RejectsAMissingScaleAndBadScales) {
  TwoPartDenoiser model;
  EXPECT_THROW(gen::ChainedGuidance(model, {two_part(0, 0, 1)}, {1.0, 2.0}), gen::Error);
  EXPECT_THROW(gen::ChainedGuidance(model, {}, {}), gen::Error);
  EXPECT_THROW(gen::ChainedGuidance(model, {two_part(0, 0, 1)}, {-1.0}), gen::UsageError);
  EXPECT_THROW(gen::ChainedGuidance(model, {two_part(0, 0, 1)}, {std::nan("")}), gen::UsageError);
}

TEST(Converters, EveryPredictionTypeRoundTrips) {
  auto x0 = torch::randn({2, 3}, torch::kFloat64), eps = torch::randn({2, 3}, torch::kFloat64);
  auto a = torch::tensor({0.8, 0.3}, torch::kFloat64).reshape({2, 1});
  auto s = (1 - a * a).sqrt();
  auto x_t = a * x0 + s * eps;
  using P = gen::PredictionType;
  const std::vector<std::pair<P, torch::Tensor>> cases{
      {P::epsilon, eps}, {P::v_prediction, a * eps - s * x0}, {P::sample, x0}};
  for (const auto& [type, pred] : cases) {
    EXPECT_TRUE(torch::allclose(gen::prediction_to_x0(type, pred, x_t, a, s), x0, 1e-9, 1e-9))
        << gen::prediction_type_name(type);
    EXPECT_TRUE(torch::allclose(gen::prediction_to_epsilon(type, pred, x_t, a, s), eps, 1e-9, 1e-9))
        << gen::prediction_type_name(type);
  }
  // Flow matching: x_t = (1 - sigma) x0 + sigma eps, velocity = eps - x0.
  auto sigma = torch::tensor({0.25, 0.9}, torch::kFloat64).reshape({2, 1});
  auto xf = (1 - sigma) * x0 + sigma * eps;
  EXPECT_TRUE(torch::allclose(gen::prediction_to_x0(P::flow, eps - x0, xf, 1 - sigma, sigma), x0, 1e-9, 1e-9));
  EXPECT_TRUE(torch::allclose(gen::prediction_to_epsilon(P::flow, eps - x0, xf, 1 - sigma, sigma), eps, 1e-9, 1e-9));
  EXPECT_EQ(gen::parse_prediction_type("v_prediction"), P::v_prediction);
  EXPECT_THROW(gen::parse_prediction_type("banana"), gen::UsageError);
}

namespace {
// The exact denoiser of data concentrated at 0: x_t = s eps, so eps = x_t / s.
class ZeroDataDenoiser : public gen::Denoiser {
 public:
  explicit ZeroDataDenoiser(gen::ProcessAt p) : process_(std::move(p)) {}
  torch::Tensor predict(const torch::Tensor& x, const torch::Tensor& t, const gen::Conditioning&) override {
    return x / process_(t, x).s;
  }
  gen::PredictionType prediction_type() const override { return gen::PredictionType::epsilon; }
  gen::ProcessAt process_;
};
torch::Tensor linear_alphas_cumprod() { return torch::cumprod(1 - torch::linspace(1e-4, 0.02, 1000), 0); }
}  // namespace

TEST(ClassifierGuidance, ShiftsEpsilonByScaledCriticGradient) {
  auto process = gen::vp_process(linear_alphas_cumprod());
  ZeroDataDenoiser model(process);
  auto mu = torch::full({1, 2}, 0.5);
  auto critic = [mu](const torch::Tensor& x, const torch::Tensor&) { return -0.5 * (x - mu).pow(2).sum(1); };
  gen::ClassifierGuidance guided(model, critic, process, 3.0);
  auto x = torch::randn({4, 2});
  auto t = torch::full({4}, 300.0);
  auto s = process(t, x).s;
  auto expected = x / s - 3.0 * s * (mu - x);
  EXPECT_TRUE(torch::allclose(guided.predict(x, t, {}), expected, 1e-5, 1e-6));
}

TEST(ScoreDistillation, ZeroGradientAtTheDataAndLossBackpropagatesIt) {
  auto abar = linear_alphas_cumprod();
  ZeroDataDenoiser model(gen::vp_process(abar));
  auto generator = at::detail::createCPUGenerator(7);
  gen::SdsOptions options;
  // At the data (x0 = 0) the frozen denoiser explains the noise exactly: no gradient.
  auto at_data = gen::score_distillation(model, torch::zeros({3, 2}), {}, abar, options, generator);
  EXPECT_LT(at_data.gradient.abs().max().item<float>(), 1e-4);
  // Away from it, the gradient points away from the data, so descent moves towards it,
  // and the loss's autograd gradient equals the returned gradient.
  auto x0 = torch::full({3, 2}, 0.7).requires_grad_(true);
  auto r = gen::score_distillation(model, x0, {}, abar, options, generator);
  r.loss.backward();
  EXPECT_TRUE(torch::allclose(x0.grad(), r.gradient, 1e-5, 1e-6));
  EXPECT_TRUE((r.gradient > 0).all().item<bool>());
  EXPECT_TRUE((r.timesteps >= 19).all().item<bool>());
  EXPECT_TRUE((r.timesteps <= 979).all().item<bool>());
  options.weighting = "nope";
  EXPECT_THROW(gen::score_distillation(model, x0, {}, abar, options, generator), gen::UsageError);
}
