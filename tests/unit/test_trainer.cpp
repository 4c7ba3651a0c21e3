// The generic trainer on a tiny conditional 2-D problem: the loss goes down, EMA
// behaves, an interrupted run resumes bit-identically, and the parts match their
// reference formulas (AdamW against LibTorch's own).
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/autocast_mode.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/optim/adamw.h>

#include <gen/error.h>
#include <gen/trainer.h>

#include "test_util.h"

namespace {

// Two classes at (+1, +1) and (-1, -1); the condition is a one-hot context [B, 1, 2].
class TinyTask : public gen::TrainingTask {
 public:
  explicit TinyTask(uint64_t init_seed) {
    torch::manual_seed(init_seed);
    l1 = torch::nn::Linear(2 + 1 + 2, 64);
    l2 = torch::nn::Linear(64, 64);
    l3 = torch::nn::Linear(64, 2);
  }
  std::vector<std::pair<std::string, torch::Tensor>> parameters() override {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    const std::pair<const char*, torch::nn::Linear*> layers[] = {{"l1", &l1}, {"l2", &l2}, {"l3", &l3}};
    for (const auto& [name, layer] : layers) {
      out.emplace_back(std::string(name) + ".weight", (*layer)->weight);
      out.emplace_back(std::string(name) + ".bias", (*layer)->bias);
    }
    return out;
  }
  gen::TrainingBatch next_batch(int64_t, at::Generator& g) override {
    auto label = torch::randint(0, 2, {32}, g, torch::kLong);
    auto sign = (label.to(torch::kFloat32) * 2 - 1).unsqueeze(1);
    gen::TrainingBatch b;
    b.x0 = sign.expand({32, 2}) + 0.05 * torch::randn({32, 2}, g, torch::kFloat32);
    b.cond.context = torch::one_hot(label, 2).to(torch::kFloat32).unsqueeze(1);
    b.null_cond.context = torch::zeros({1, 1, 2});
    return b;
  }
  torch::Tensor predict(const torch::Tensor& x, const torch::Tensor& t, const gen::Conditioning& c) override {
    if (poison) return x * std::nan("");
    auto h = torch::cat({x, (t / 1000.0).unsqueeze(1), c.context.squeeze(1)}, 1);
    return l3(torch::silu(l2(torch::silu(l1(h)))));
  }
  torch::nn::Linear l1{nullptr}, l2{nullptr}, l3{nullptr};
  bool poison = false;
};

torch::Tensor alphas() { return torch::cumprod(1 - torch::linspace(1e-4, 0.02, 1000, torch::kFloat64), 0); }

gen::TrainerConfig small_config() {
  gen::TrainerConfig c;
  c.steps = 300;
  c.optimizer.lr = 3e-3;
  c.warmup_steps = 10;
  c.ema_decay = 0.9;
  c.seed = 11;
  return c;
}

}  // namespace

TEST(Trainer, LossGoesDownAndEmaTracksTheWeights) {
  TinyTask task(1);
  auto initial = task.l3->weight.detach().clone();
  gen::Trainer trainer(task, small_config(), alphas());
  std::vector<double> losses;
  for (int i = 0; i < 300; ++i) losses.push_back(trainer.train_step());
  auto mean = [&](size_t from, size_t to) {
    double s = 0;
    for (size_t i = from; i < to; ++i) s += losses[i];
    return s / static_cast<double>(to - from);
  };
  EXPECT_LT(mean(250, 300), 0.6 * mean(0, 30)) << "first " << mean(0, 30) << " last " << mean(250, 300);
  const auto& ema = trainer.ema()->weights().at("l3.weight");
  const auto& raw = task.l3->weight;
  EXPECT_FALSE(torch::equal(ema, raw));                                      // an average, not a copy
  EXPECT_LT((ema - raw).norm().item<double>(), (initial - raw).norm().item<double>());  // but a recent one
  EXPECT_EQ(trainer.ema()->updates(), 300);
}

TEST(Trainer, InterruptedRunResumesBitIdentically) {
  auto config = small_config();
  config.steps = 12;
  TinyTask straight_task(5);
  gen::Trainer straight(straight_task, config, alphas());
  straight.run({});

  gen::test::TempDir dir;
  config.output_dir = (dir / "ckpt").string();
  {
    TinyTask task(5);
    gen::Trainer first(task, config, alphas());
    auto stop_at_6 = [](const gen::Progress& p) {
      return p.step >= 6 ? gen::ProgressAction::stop : gen::ProgressAction::proceed;
    };
    EXPECT_THROW(first.run(stop_at_6), gen::Cancelled);
    EXPECT_EQ(first.step(), 6);
  }
  TinyTask resumed_task(99);  // different init: everything must come from the checkpoint
  gen::Trainer resumed(resumed_task, config, alphas());
  resumed.run({});
  EXPECT_EQ(resumed.step(), 12);
  auto a = straight_task.parameters(), b = resumed_task.parameters();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i].second, b[i].second)) << a[i].first;
  EXPECT_TRUE(torch::equal(straight.ema()->weights().at("l1.weight"), resumed.ema()->weights().at("l1.weight")));
  EXPECT_TRUE(std::filesystem::exists(dir / "ckpt" / "trainer.json"));
}

TEST(Trainer, NanLossIsReportedWithTheStep) {
  TinyTask task(1);
  gen::Trainer trainer(task, small_config(), alphas());
  trainer.train_step();
  task.poison = true;
  try {
    trainer.train_step();
    FAIL();
  } catch (const gen::NumericError& e) {
    EXPECT_NE(std::string(e.what()).find("step 2"), std::string::npos) << e.what();
  }
}

// Predicts 0 for [B, 2, 8, 8] data, so the epsilon loss is the mean square of the noise:
// 1 for N(0, I), 1 + offset^2 with offset noise.
class ZeroPredictor : public gen::TrainingTask {
 public:
  std::vector<std::pair<std::string, torch::Tensor>> parameters() override { return {{"w", w}}; }
  gen::TrainingBatch next_batch(int64_t, at::Generator&) override {
    gen::TrainingBatch b;
    b.x0 = torch::zeros({256, 2, 8, 8});
    return b;
  }
  torch::Tensor predict(const torch::Tensor& x, const torch::Tensor&, const gen::Conditioning&) override {
    return torch::zeros_like(x) + 0 * w.sum();
  }
  torch::Tensor w = torch::zeros({1}).requires_grad_(true);
};

TEST(Trainer, OffsetNoiseAddsAPerChannelMean) {
  auto loss_with = [](double offset) {
    auto config = small_config();
    config.cond_dropout = 0;
    config.offset_noise = offset;
    ZeroPredictor task;
    gen::Trainer trainer(task, config, alphas());
    return trainer.train_step();
  };
  EXPECT_NEAR(loss_with(0.0), 1.0, 0.05);
  EXPECT_NEAR(loss_with(1.0), 2.0, 0.25);  // 512 per-channel draws: std of the mean 0.06
}

// x0 = 0, so the network sees x_t = s * eps: the noise itself, up to a per-sample scale.
class NoiseRecorder : public ZeroPredictor {
 public:
  torch::Tensor predict(const torch::Tensor& x, const torch::Tensor& t, const gen::Conditioning& c) override {
    seen = x.detach().clone();
    return ZeroPredictor::predict(x, t, c);
  }
  torch::Tensor seen;
};

double correlation(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a * b).mean() / ((a * a).mean() * (b * b).mean()).sqrt()).item<double>();
}

TEST(Trainer, SharedNoiseCorrelatesFramesAsPyocoSays) {
  for (double alpha : {0.0, 1.0, 2.0}) {
    auto config = small_config();
    config.cond_dropout = 0;
    config.shared_noise = alpha;
    config.shared_noise_dim = 2;
    NoiseRecorder task;
    gen::Trainer trainer(task, config, alphas());
    trainer.train_step();
    const auto& x = task.seen;  // [256, 2, 8, 8]: 4096 elements per slice
    const double expected = alpha * alpha / (1 + alpha * alpha);
    EXPECT_NEAR(correlation(x.select(2, 0), x.select(2, 5)), expected, 0.06) << alpha;
    EXPECT_NEAR(correlation(x.select(3, 0), x.select(3, 5)), 0.0, 0.06) << alpha;  // other dims stay independent
  }
}

class TimestepRecorder : public ZeroPredictor {
 public:
  torch::Tensor predict(const torch::Tensor& x, const torch::Tensor& t, const gen::Conditioning& c) override {
    seen = t.detach().clone();
    return ZeroPredictor::predict(x, t, c);
  }
  torch::Tensor seen;
};

TEST(Trainer, TimestepBiasDrawsTheBiasedTimestepsMoreOften) {
  // "later" x3 on the noisiest half: 3/4 of the draws there; "earlier": 1/4; none: 1/2.
  for (const auto& [strategy, share] : std::vector<std::pair<std::string, double>>{{"none", 0.5}, {"later", 0.75}, {"earlier", 0.25}}) {
    auto config = small_config();
    config.cond_dropout = 0;
    config.timestep_bias = strategy;
    config.timestep_bias_multiplier = 3;
    config.timestep_bias_portion = 0.5;
    TimestepRecorder task;
    gen::Trainer trainer(task, config, alphas());
    double noisy = 0, draws = 0;
    for (int step = 0; step < 8; ++step) {  // 8 x 256 draws: std of the share ~0.01
      trainer.train_step();
      noisy += (task.seen >= 500).sum().item<double>();
      draws += static_cast<double>(task.seen.numel());
    }
    EXPECT_NEAR(noisy / draws, share, 0.04) << strategy;
  }
  auto config = small_config();
  config.timestep_bias = "later";
  config.process = "flow";
  EXPECT_THROW(config.validate(), gen::UsageError);
}

TEST(Trainer, SharedNoiseAlongAMissingDimensionIsAUsageError) {
  auto config = small_config();
  config.shared_noise = 1;
  config.shared_noise_dim = 4;  // x0 is [256, 2, 8, 8]
  NoiseRecorder task;
  gen::Trainer trainer(task, config, alphas());
  EXPECT_THROW(trainer.train_step(), gen::UsageError);
}

// Sample prediction of zeros on data that is 0 on valid frames and 100 on padding:
// the loss sees the padding only when the batch carries no weights.
class PaddedTask : public ZeroPredictor {
 public:
  gen::TrainingBatch next_batch(int64_t, at::Generator&) override {
    gen::TrainingBatch b;
    b.x0 = torch::zeros({8, 3, 10});
    b.x0.narrow(2, 6, 4).fill_(100.0);
    if (weighted) {
      b.weight = torch::ones({8, 1, 10});
      b.weight.narrow(2, 6, 4).zero_();
    }
    return b;
  }
  torch::Tensor auxiliary_loss(const gen::TrainingBatch& batch, const torch::Tensor& x0_estimate,
                               const torch::Tensor& t) override {
    if (!auxiliary) return {};
    seen_estimate = x0_estimate.detach();
    EXPECT_EQ(t.size(0), batch.x0.size(0));
    return torch::full({}, 7.0) + 0 * w.sum();
  }
  bool weighted = false, auxiliary = false;
  torch::Tensor seen_estimate;
};

TEST(Trainer, LossWeightsIgnorePaddingAndAuxiliaryLossIsAdded) {
  auto config = small_config();
  config.cond_dropout = 0;
  config.prediction_type = gen::PredictionType::sample;
  auto loss_of = [&](bool weighted, bool auxiliary) {
    PaddedTask task;
    task.weighted = weighted, task.auxiliary = auxiliary;
    gen::Trainer trainer(task, config, alphas());
    const double loss = trainer.train_step();
    if (auxiliary) EXPECT_TRUE(torch::equal(task.seen_estimate, torch::zeros({8, 3, 10})));
    return loss;
  };
  EXPECT_NEAR(loss_of(false, false), 100.0 * 100.0 * 0.4, 1e-3);
  EXPECT_NEAR(loss_of(true, false), 0.0, 1e-6);
  EXPECT_NEAR(loss_of(true, true), 7.0, 1e-6);
}

// A conv -> group norm -> linear -> layer norm network on [B, 2, 8, 8] data that
// records the type its convolution computed in.
class ConvNormTask : public gen::TrainingTask {
 public:
  ConvNormTask() {
    torch::manual_seed(2);
    conv = torch::nn::Conv2d(torch::nn::Conv2dOptions(2, 8, 3).padding(1));
    norm = torch::nn::GroupNorm(4, 8);
    linear = torch::nn::Linear(8, 2);
    layer_norm = torch::nn::LayerNorm(torch::nn::LayerNormOptions({2}));
  }
  std::vector<std::pair<std::string, torch::Tensor>> parameters() override {
    return {{"conv.weight", conv->weight}, {"norm.weight", norm->weight}, {"linear.weight", linear->weight}};
  }
  gen::TrainingBatch next_batch(int64_t, at::Generator& g) override {
    gen::TrainingBatch b;
    b.x0 = torch::randn({16, 2, 8, 8}, g, torch::kFloat32);
    return b;
  }
  torch::Tensor predict(const torch::Tensor& x, const torch::Tensor&, const gen::Conditioning&) override {
    auto h = conv(x);
    computed_in = h.scalar_type();
    h = torch::silu(norm(h)).permute({0, 2, 3, 1});
    return layer_norm(linear(h)).permute({0, 3, 1, 2});
  }
  torch::nn::Conv2d conv{nullptr};
  torch::nn::GroupNorm norm{nullptr};
  torch::nn::Linear linear{nullptr};
  torch::nn::LayerNorm layer_norm{nullptr};
  torch::ScalarType computed_in = torch::kFloat64;
};

TEST(Trainer, Bfloat16PrecisionRunsTheNetworkInBfloat16AndKeepsFloat32Weights) {
  for (const std::string precision : {"fp32", "bf16"}) {
    auto config = small_config();
    config.cond_dropout = 0;
    config.precision = precision;
    ConvNormTask task;
    const auto before = task.conv->weight.detach().clone();
    gen::Trainer trainer(task, config, alphas());
    // Norms after a bfloat16 convolution need the float32 policy of bfloat16_autocast.cpp.
    EXPECT_TRUE(std::isfinite(trainer.train_step())) << precision;
    EXPECT_EQ(task.computed_in, precision == "bf16" ? torch::kBFloat16 : torch::kFloat32);
    EXPECT_EQ(task.conv->weight.scalar_type(), torch::kFloat32);
    EXPECT_FALSE(torch::equal(before, task.conv->weight)) << precision;
    EXPECT_FALSE(at::autocast::is_cpu_enabled()) << "autocast must end with the forward pass";
  }
}

TEST(TrainParts, AdamWMatchesLibTorch) {
  torch::manual_seed(3);
  auto w_ours = torch::randn({4, 3}).requires_grad_(true);
  auto w_ref = w_ours.detach().clone().requires_grad_(true);
  gen::AdamW::Options o;
  o.lr = 0.01;
  o.weight_decay = 0.1;
  gen::AdamW ours({{"w", w_ours}}, o);
  torch::optim::AdamW ref({w_ref}, torch::optim::AdamWOptions(0.01).weight_decay(0.1));
  for (int i = 0; i < 5; ++i) {
    auto x = torch::randn({3});
    ours.zero_grad();
    (w_ours.matmul(x)).pow(2).sum().backward();
    ours.step(0.01);
    ref.zero_grad();
    (w_ref.matmul(x)).pow(2).sum().backward();
    ref.step();
  }
  EXPECT_TRUE(torch::allclose(w_ours, w_ref, 1e-6, 1e-7)) << (w_ours - w_ref).abs().max();
  EXPECT_EQ(ours.steps(), 5);
}

TEST(TrainParts, MinSnrWeightsAndTargets) {
  auto snr = torch::tensor({0.5, 5.0, 50.0}, torch::kFloat64);
  using P = gen::PredictionType;
  EXPECT_TRUE(torch::allclose(gen::min_snr_weight(P::epsilon, snr, 5.0), torch::tensor({1.0, 1.0, 0.1}, torch::kFloat64)));
  EXPECT_TRUE(torch::allclose(gen::min_snr_weight(P::v_prediction, snr, 5.0),
                              torch::tensor({0.5 / 1.5, 5.0 / 6.0, 5.0 / 51.0}, torch::kFloat64)));
  EXPECT_TRUE(torch::allclose(gen::min_snr_weight(P::sample, snr, 5.0), torch::tensor({0.5, 5.0, 5.0}, torch::kFloat64)));
  EXPECT_TRUE(torch::equal(gen::min_snr_weight(P::epsilon, snr, 0.0), torch::ones_like(snr)));
  auto x0 = torch::randn({2}), eps = torch::randn({2});
  auto a = torch::tensor(0.6), s = torch::tensor(0.8);
  EXPECT_TRUE(torch::allclose(gen::training_target(P::v_prediction, x0, eps, a, s), 0.6 * eps - 0.8 * x0));
  EXPECT_TRUE(torch::allclose(gen::training_target(P::flow, x0, eps, a, s), eps - x0));
  for (auto type : {P::epsilon, P::v_prediction, P::sample, P::flow}) {
    // The auxiliary loss sees prediction_to_x0 of the prediction: it must invert the target.
    auto a_t = type == P::flow ? 1 - s : a;  // flow: x_t = (1 - sigma) x0 + sigma eps
    auto x_t = a_t * x0 + s * eps;
    auto estimate = gen::prediction_to_x0(type, gen::training_target(type, x0, eps, a_t, s), x_t, a_t, s);
    EXPECT_TRUE(torch::allclose(estimate, x0, 1e-5, 1e-5)) << static_cast<int>(type);
  }
}

TEST(TrainParts, TimestepBiasWeights) {
  EXPECT_TRUE(torch::equal(gen::timestep_bias_weights(8, "none", 5, 0.5), torch::ones({8}, torch::kFloat64)));
  EXPECT_TRUE(torch::equal(gen::timestep_bias_weights(8, "later", 5, 0.25),
                           torch::tensor({1, 1, 1, 1, 1, 1, 5, 5}, torch::kFloat64)));
  EXPECT_TRUE(torch::equal(gen::timestep_bias_weights(8, "earlier", 2, 0.5),
                           torch::tensor({2, 2, 2, 2, 1, 1, 1, 1}, torch::kFloat64)));
  EXPECT_THROW(gen::timestep_bias_weights(8, "middle", 2, 0.5), gen::UsageError);
  EXPECT_THROW(gen::timestep_bias_weights(8, "later", 0, 0.5), gen::UsageError);
  EXPECT_THROW(gen::timestep_bias_weights(8, "later", 2, 0), gen::UsageError);
  EXPECT_THROW(gen::timestep_bias_weights(8, "later", 2, 1.5), gen::UsageError);
}

TEST(TrainParts, ClipContrastiveLoss) {
  // Confident and right: near zero; no preference: ln(B) both ways; wrong pairs: large.
  const auto eye = torch::eye(4);
  EXPECT_LT(gen::clip_contrastive_loss(100 * eye).item<double>(), 1e-6);
  EXPECT_NEAR(gen::clip_contrastive_loss(torch::zeros({4, 4})).item<double>(), std::log(4.0), 1e-6);
  EXPECT_GT(gen::clip_contrastive_loss(100 * eye.roll(1, 1)).item<double>(), 50);
  // Symmetric: the mean of row-wise and column-wise cross-entropy.
  const auto logits = torch::tensor({{2.0f, 0.5f}, {1.0f, 3.0f}});
  const double rows = (-torch::log_softmax(logits, 1).diagonal()).mean().item<double>();
  const double cols = (-torch::log_softmax(logits, 0).diagonal()).mean().item<double>();
  EXPECT_NEAR(gen::clip_contrastive_loss(logits).item<double>(), 0.5 * (rows + cols), 1e-6);
  EXPECT_THROW(gen::clip_contrastive_loss(torch::zeros({2, 3})), gen::Error);
}

TEST(TrainParts, WarmupThenCosine) {
  EXPECT_DOUBLE_EQ(gen::learning_rate_at(0, 100, 10, 1.0, "cosine"), 0.1);
  EXPECT_DOUBLE_EQ(gen::learning_rate_at(9, 100, 10, 1.0, "cosine"), 1.0);
  EXPECT_NEAR(gen::learning_rate_at(10, 100, 10, 1.0, "cosine"), 1.0, 1e-12);
  EXPECT_NEAR(gen::learning_rate_at(55, 100, 10, 1.0, "cosine"), 0.5, 1e-12);
  EXPECT_NEAR(gen::learning_rate_at(100, 100, 10, 1.0, "cosine", 0.1), 0.1, 1e-12);
  EXPECT_DOUBLE_EQ(gen::learning_rate_at(50, 100, 10, 2.0, "constant"), 2.0);
  EXPECT_THROW(gen::learning_rate_at(50, 100, 10, 2.0, "zigzag"), gen::UsageError);
}

TEST(TrainerConfig, JsonRoundTripAndValidation) {
  auto c = small_config();
  c.prediction_type = gen::PredictionType::v_prediction;
  auto back = gen::TrainerConfig::from_json(c.to_json());
  EXPECT_EQ(back.steps, 300);
  EXPECT_EQ(back.prediction_type, gen::PredictionType::v_prediction);
  EXPECT_DOUBLE_EQ(back.optimizer.lr, 3e-3);
  EXPECT_THROW(gen::TrainerConfig::from_json({{"cond_dropout", 2.0}}), gen::UsageError);
  EXPECT_THROW(gen::TrainerConfig::from_json({{"offset_noise", -0.1}}), gen::UsageError);
  EXPECT_THROW(gen::TrainerConfig::from_json({{"shared_noise", -1}}), gen::UsageError);
  EXPECT_THROW(gen::TrainerConfig::from_json({{"shared_noise_dim", 0}}), gen::UsageError);
  c.offset_noise = 0.1;
  EXPECT_DOUBLE_EQ(gen::TrainerConfig::from_json(c.to_json()).offset_noise, 0.1);
  c.precision = "bf16";
  EXPECT_EQ(gen::TrainerConfig::from_json(c.to_json()).precision, "bf16");
  EXPECT_THROW(gen::TrainerConfig::from_json({{"precision", "fp8"}}), gen::UsageError);
  EXPECT_THROW(gen::TrainerConfig::from_json({{"steps", "many"}}), gen::UsageError);
  EXPECT_THROW(gen::TrainerConfig::from_json({{"prediction_type", "banana"}}), gen::UsageError);
  c.timestep_bias = "later";
  c.timestep_bias_multiplier = 3;
  c.timestep_bias_portion = 0.5;
  const auto biased = gen::TrainerConfig::from_json(c.to_json());
  EXPECT_EQ(biased.timestep_bias, "later");
  EXPECT_DOUBLE_EQ(biased.timestep_bias_multiplier, 3);
  EXPECT_DOUBLE_EQ(biased.timestep_bias_portion, 0.5);
  EXPECT_THROW(gen::TrainerConfig::from_json({{"timestep_bias", "sideways"}}), gen::UsageError);
}
