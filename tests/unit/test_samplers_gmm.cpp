// Every sampler, at its usual step count, over the exact denoiser of a known 2-D
// Gaussian mixture: the samples must have the target's moments, cover every component
// with the right weight and be as sharp as the components. Then CFG between two
// mixtures, and DDIM inversion followed by regeneration.
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>

#include <utility>

#include <gen/gaussian_mixture.h>
#include <gen/guidance.h>
#include <gen/sampler.h>
#include <gen/sampling.h>

namespace {

constexpr int64_t kPoints = 4000;
constexpr double kSpread = 0.1;  // component standard deviation

// Eight components on a circle of radius 0.8; condition 0 uses all of them equally,
// condition 1 only the first four (the upper half-plane ... by construction below).
gen::GaussianMixture ring_mixture() {
  gen::GaussianMixture m;
  const int k = 8;
  m.means = torch::empty({k, 2}, torch::kFloat64);
  for (int i = 0; i < k; ++i) {
    double angle = 2 * M_PI * (i + 0.5) / k;
    m.means[i][0] = 0.8 * std::cos(angle);
    m.means[i][1] = 0.8 * std::sin(angle);
  }
  m.variance = kSpread * kSpread;
  m.weights = torch::zeros({2, k}, torch::kFloat64);
  m.weights[0].fill_(1.0 / k);
  m.weights[1].slice(0, 0, 4).fill_(0.25);
  return m;
}

struct Stats {
  torch::Tensor mean, cov, occupancy;  // occupancy [K]: fraction nearest to each component
  double sharp_fraction;               // within 3.5 std of its nearest component
};

Stats stats(const torch::Tensor& x, const gen::GaussianMixture& m) {
  auto p = x.to(torch::kFloat64);
  Stats s;
  s.mean = p.mean(0);
  auto c = p - s.mean;
  s.cov = c.t().matmul(c) / (p.size(0) - 1);
  auto d = torch::cdist(p, m.means);  // [N, K]
  auto [dmin, arg] = d.min(1);
  s.occupancy = torch::bincount(arg, {}, m.means.size(0)).to(torch::kFloat64) / p.size(0);
  s.sharp_fraction = (dmin < 3.5 * kSpread).to(torch::kFloat64).mean().item<double>();
  return s;
}

struct SamplerCase {
  std::string name;
  int steps;
};

void PrintTo(const SamplerCase& c, std::ostream* os) { *os << c.name << "@" << c.steps; }

class SamplerOnMixture : public ::testing::TestWithParam<SamplerCase> {};

torch::Tensor run(const std::string& name, int steps, gen::Denoiser& model, const gen::Conditioning& cond,
                  uint64_t seed, int64_t n = kPoints) {
  auto config = gen::SchedulerConfig::stable_diffusion();
  auto sampler = gen::make_sampler(name, config);
  gen::GeneratorNoise noise(seed);
  auto x_T = noise.next(torch::empty({n, 2}));
  gen::SamplingOptions options;
  options.steps = steps;
  return gen::sample(model, cond, *sampler, x_T, noise, options);
}

std::unique_ptr<gen::Denoiser> mixture_model(const std::string& sampler_name) {
  if (sampler_name == "flow_euler")
    return std::make_unique<gen::GaussianMixtureDenoiser>(ring_mixture(), gen::flow_noise_levels(1000),
                                                          gen::PredictionType::flow);
  auto abar = gen::make_alphas_cumprod(gen::SchedulerConfig::stable_diffusion());
  return std::make_unique<gen::GaussianMixtureDenoiser>(ring_mixture(), gen::vp_noise_levels(abar));
}

TEST_P(SamplerOnMixture, MatchesTargetMomentsAndModes) {
  const auto& c = GetParam();
  auto model = mixture_model(c.name);
  auto x = run(c.name, c.steps, *model, {}, 1234);
  auto m = ring_mixture();
  auto [mean, cov] = m.moments(0);
  auto s = stats(x, m);
  // Standard errors at 4000 points: mean ~0.009, covariance ~0.008; tolerances are ~4x.
  EXPECT_LT((s.mean - mean).abs().max().item<double>(), 0.04) << s.mean;
  if (c.name != "lcm") {
    EXPECT_LT((s.cov - cov).abs().max().item<double>(), 0.04) << s.cov << "\nwant\n" << cov;
    EXPECT_GT(s.sharp_fraction, 0.97);
  }
  EXPECT_LT((s.occupancy - 1.0 / 8).abs().max().item<double>(), 0.03) << s.occupancy;
}

// Usual step counts: the few-step solvers at 20-25, first-order ones at 30-50.
INSTANTIATE_TEST_SUITE_P(
    Samplers, SamplerOnMixture,
    ::testing::Values(SamplerCase{"ddpm", 100}, SamplerCase{"ddim", 50}, SamplerCase{"pndm", 25},
                      SamplerCase{"euler", 30}, SamplerCase{"euler_a", 40}, SamplerCase{"heun", 20},
                      SamplerCase{"lms", 30}, SamplerCase{"dpmpp_2m", 25}, SamplerCase{"DPM++ 2M Karras", 25},
                      SamplerCase{"unipc", 20}, SamplerCase{"flow_euler", 40}, SamplerCase{"lcm", 8},
                      SamplerCase{"dpmpp_3m", 25}, SamplerCase{"DPM++ 3M Karras", 25},
                      SamplerCase{"dpmpp_2m_sde", 30}, SamplerCase{"DPM++ 2M SDE Karras", 30},
                      SamplerCase{"unipc_o3", 20}, SamplerCase{"unipc_bh1", 20}, SamplerCase{"unipc_bh1_o3", 20}),
    [](const auto& info) {
      std::string s;
      for (char ch : info.param.name) s += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
      return s;
    });

// Gaussian data N(mu, v I): the one case with closed forms for everything. Along the
// probability-flow ODE x - alpha mu scales with the marginal std sqrt(alpha^2 v + sigma^2).
gen::GaussianMixture gaussian(double variance) {
  gen::GaussianMixture m;
  m.means = torch::tensor({{0.3, -0.2}}, torch::kFloat64);
  m.variance = variance;
  m.weights = torch::ones({1, 1}, torch::kFloat64);
  return m;
}

// (alpha, sigma) of the VP process at an Euler-style sigma s = sigma / alpha.
std::pair<double, double> vp_levels(double s) {
  double alpha = 1 / std::sqrt(s * s + 1);
  return {alpha, s * alpha};
}

// Third order must pay off: from the same x_T to sigma_min (final_sigmas_type "sigma_min",
// so no first-order jump to 0 hides it), DPM++ 3M lands clearly closer to the exact ODE
// end point than DPM++ 2M (measured 3.3x at 16 steps, 3.5x at 32; without its second
// difference D2 it is worse than 2M).
TEST(SamplerOrderOnGaussian, DpmSolver3mIsMoreAccurateThan2m) {
  const double v = 0.25;
  auto data = gaussian(v);
  auto abar = gen::make_alphas_cumprod(gen::SchedulerConfig::stable_diffusion());
  gen::GaussianMixtureDenoiser model(data, gen::vp_noise_levels(abar));
  auto config = gen::SchedulerConfig::stable_diffusion();
  config.final_sigmas_type = "sigma_min";
  auto noise = gen::GeneratorNoise(4).next(torch::empty({256, 2}));
  auto mu = data.means[0].to(torch::kFloat32);
  auto error = [&](const std::string& name, int steps) {
    auto sampler = gen::make_sampler(name, config);
    sampler->set_timesteps(steps);
    auto [a_T, s_T] = vp_levels(sampler->sigmas()[0].item<double>());
    auto [a_0, s_0] = vp_levels(sampler->sigmas()[-1].item<double>());
    auto x_T = noise * sampler->init_noise_sigma();
    auto exact = a_0 * mu + std::sqrt((a_0 * a_0 * v + s_0 * s_0) / (a_T * a_T * v + s_T * s_T)) * (x_T - a_T * mu);
    gen::GeneratorNoise unused(0);
    gen::SamplingOptions options;
    options.steps = steps;
    return (gen::sample(model, {}, *sampler, noise, unused, options) - exact).abs().mean().item<double>();
  };
  for (int steps : {16, 32}) {
    double e2 = error("dpmpp_2m", steps), e3 = error("dpmpp_3m", steps);
    EXPECT_LT(e3, 0.6 * e2) << steps << " steps: 3M " << e3 << " vs 2M " << e2;
  }
}

// The SDE's noise must have the right size: with Karras sigmas and 50 steps DPM++ 2M SDE
// reproduces the data variance (measured 0.2496 and 0.2523 for v = 0.25; half the noise
// variance gives 0.13). 20,000 points: standard error 0.0025.
TEST(SdeOnGaussian, ReproducesTheDataVariance) {
  const double v = 0.25;
  auto abar = gen::make_alphas_cumprod(gen::SchedulerConfig::stable_diffusion());
  gen::GaussianMixtureDenoiser model(gaussian(v), gen::vp_noise_levels(abar));
  auto x = run("DPM++ 2M SDE Karras", 50, model, {}, 1234, 20000).to(torch::kFloat64);
  auto variance = x.var(0);
  EXPECT_LT((variance - v).abs().max().item<double>(), 0.02) << variance;
}

// DPM++ 2M SDE draws once per step (the last draw included, as diffusers does) and its
// last step lands on sigma 0, where the noise coefficient is exactly zero.
class CountingNoise : public gen::NoiseSource {
 public:
  explicit CountingNoise(uint64_t seed) : inner_(seed) {}
  torch::Tensor next(const torch::Tensor& like) override {
    ++draws;
    auto z = inner_.next(like);
    return draws == scaled_draw ? z * 1e6 : z;
  }
  int draws = 0;
  int scaled_draw = -1;  // this draw is made huge, to see whether it reaches the output

 private:
  gen::GeneratorNoise inner_;
};

TEST(SdeOnMixture, DrawsEveryStepAndTheLastDrawDoesNotReachTheOutput) {
  auto model = mixture_model("dpmpp_2m_sde");
  auto x_T = gen::GeneratorNoise(3).next(torch::empty({256, 2}));
  auto run_with = [&](int scaled_draw, uint64_t seed) {
    auto sampler = gen::make_sampler("dpmpp_2m_sde", gen::SchedulerConfig::stable_diffusion());
    CountingNoise noise(seed);
    noise.scaled_draw = scaled_draw;
    gen::SamplingOptions options;
    options.steps = 12;
    auto x = gen::sample(*model, {}, *sampler, x_T, noise, options);
    EXPECT_EQ(noise.draws, 12);
    return x;
  };
  auto reference = run_with(-1, 5);
  EXPECT_TRUE(torch::equal(run_with(12, 5), reference));   // last draw: coefficient 0
  EXPECT_FALSE(torch::allclose(run_with(11, 5), reference));  // any earlier draw matters
  EXPECT_GT((run_with(-1, 6) - reference).abs().max().item<double>(), 1e-3);  // it is stochastic
}

// UniPC bh1 ending on sigma 0: diffusers 0.29.2 returns NaN on the last step (B(h) = -inf
// times an empty residual). Ours returns the first-order step's exact value, the x0
// prediction of the last sample, as bh2 does; bh1 is still a different solver than bh2.
TEST(UniPcBh1OnMixture, EndsOnTheLastX0PredictionAndDiffersFromBh2) {
  auto model = mixture_model("unipc_bh1_o3");
  auto x_T = gen::GeneratorNoise(8).next(torch::empty({256, 2}));
  auto run = [&](const std::string& name, torch::Tensor* x0_last) {
    auto sampler = gen::make_sampler(name, gen::SchedulerConfig::stable_diffusion());
    sampler->set_timesteps(10);
    gen::GeneratorNoise unused(0);
    auto x = x_T * sampler->init_noise_sigma();
    for (int64_t i = 0; i < sampler->num_model_calls(); ++i) {
      auto t = sampler->timesteps()[i].expand({x.size(0)});
      auto out = model->predict(sampler->scale_model_input(x, i), t, {});
      if (i + 1 == sampler->num_model_calls()) *x0_last = sampler->predict_x0(out, i, x);
      x = sampler->step(out, i, x, unused);
    }
    return x;
  };
  torch::Tensor x0_bh1, x0_bh2;
  auto bh1 = run("unipc_bh1_o3", &x0_bh1);
  auto bh2 = run("unipc_o3", &x0_bh2);
  ASSERT_TRUE(torch::isfinite(bh1).all().item<bool>());
  EXPECT_TRUE(torch::allclose(bh1, x0_bh1, 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(bh2, x0_bh2, 1e-5, 1e-6));
  EXPECT_GT((bh1 - bh2).abs().max().item<double>(), 1e-4);
}

// An analytic posterior-mean model is not a consistency model, so LCM cannot reproduce
// the component spread; it must still find the modes (checked above) — and differ from
// a run at 1 step, which collapses everything to the mean.
TEST(SamplerOnMixture, LcmOneStepCollapsesToTheMean) {
  auto model = mixture_model("lcm");
  auto x = run("lcm", 1, *model, {}, 7);
  EXPECT_LT(x.to(torch::kFloat64).std(0).max().item<double>(), 0.1);
}

// CFG between the full ring (uncond) and its first four components (cond): scale 1 is
// the conditional distribution; a larger scale keeps every sample on the cond modes.
TEST(GuidanceOnMixture, ClassifierFreeGuidanceSelectsTheConditionalModes) {
  auto m = ring_mixture();
  auto abar = gen::make_alphas_cumprod(gen::SchedulerConfig::stable_diffusion());
  gen::GaussianMixtureDenoiser model(m, gen::vp_noise_levels(abar));
  gen::Conditioning uncond, cond;
  uncond.context = torch::zeros({1, 1, 1});
  cond.context = torch::ones({kPoints, 1, 1});
  auto [cond_mean, cond_cov] = m.moments(1);

  for (double scale : {1.0, 4.0}) {
    SCOPED_TRACE("cfg scale " + std::to_string(scale));
    gen::CfgOptions options;
    options.scale = scale;
    gen::ClassifierFreeGuidance guided(model, uncond, options);
    auto s = stats(run("dpmpp_2m", 25, guided, cond, 99), m);
    double on_cond = s.occupancy.slice(0, 0, 4).sum().item<double>();
    EXPECT_GT(on_cond, scale == 1.0 ? 0.98 : 0.995);
    if (scale == 1.0) {
      EXPECT_LT((s.mean - cond_mean).abs().max().item<double>(), 0.04) << s.mean;
      EXPECT_LT((s.cov - cond_cov).abs().max().item<double>(), 0.04) << s.cov;
    } else {
      EXPECT_GT(guided.network_calls(), 0);
    }
  }
}

// Inversion approximates eps(x_t) by eps at the level below, an error of first order in
// the step: mean |error| is ~0.02 at 50 steps and ~0.007 at 200 (data radius 0.8).
TEST(InversionOnMixture, DdimInversionThenRegenerationReproducesTheInput) {
  auto m = ring_mixture();
  auto config = gen::SchedulerConfig::stable_diffusion();
  auto abar = gen::make_alphas_cumprod(config);
  gen::GaussianMixtureDenoiser model(m, gen::vp_noise_levels(abar));
  auto gen0 = at::detail::createCPUGenerator(5);
  auto x0 = m.sample(256, 0, gen0).to(torch::kFloat32);

  auto x_T = gen::ddim_invert(model, {}, x0, config, 200);
  EXPECT_GT(x_T.std().item<double>(), 0.8);  // it really is noise-like
  auto ddim = gen::make_sampler("ddim", config);
  gen::GeneratorNoise unused(0);
  gen::SamplingOptions options;
  options.steps = 200;
  auto regenerated = gen::sample(model, {}, *ddim, x_T, unused, options);
  double err = (regenerated - x0).abs().mean().item<double>();
  EXPECT_LT(err, 0.01) << "mean |x0 - regenerated| = " << err;
}

}  // namespace
