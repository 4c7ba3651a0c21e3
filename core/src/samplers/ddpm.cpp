// DDPM (Ho et al. 2020) ancestral sampling with the "fixed_small" posterior variance;
// diffusers' DDPMScheduler. The previous timestep is t - N//n, not the next grid entry.
#include <cmath>

#include <gen/error.h>

#include "samplers.h"

namespace gen::samplers {
namespace {

class Ddpm : public Sampler {
 public:
  explicit Ddpm(SchedulerConfig c) : Sampler(std::move(c)) { alphas_cumprod_ = make_alphas_cumprod(config_); }
  const char* name() const override { return "ddpm"; }
  bool stochastic() const override { return true; }

  void set_timesteps(int n) override {
    num_inference_steps_ = n;
    timesteps_ = integer_timesteps(config_, n);
  }

  torch::Tensor step(const torch::Tensor& out, int64_t i, const torch::Tensor& x, NoiseSource& noise) override {
    check_index(i);
    int64_t t = timesteps_[i].item<int64_t>();
    int64_t prev_t = t - config_.num_train_timesteps / num_inference_steps_;
    float abar = alphas_cumprod_.at(t);
    float abar_prev = prev_t >= 0 ? alphas_cumprod_.at(prev_t) : 1.0f;
    float beta_prod = 1 - abar, beta_prod_prev = 1 - abar_prev;
    float current_alpha = abar / abar_prev, current_beta = 1 - current_alpha;

    torch::Tensor x0;
    switch (prediction_type()) {
      case PredictionType::epsilon: x0 = (x - std::sqrt(beta_prod) * out) / std::sqrt(abar); break;
      case PredictionType::sample: x0 = out; break;
      case PredictionType::v_prediction: x0 = std::sqrt(abar) * x - std::sqrt(beta_prod) * out; break;
      case PredictionType::flow: throw UsageError("ddpm does not take flow-matching predictions");
    }
    if (config_.clip_sample) x0 = x0.clamp(-config_.clip_sample_range, config_.clip_sample_range);

    float x0_coeff = (std::sqrt(abar_prev) * current_beta) / beta_prod;
    float x_coeff = std::sqrt(current_alpha) * beta_prod_prev / beta_prod;
    auto prev = x0_coeff * x0 + x_coeff * x;
    if (t > 0) {
      auto z = noise.next(out);
      float variance = std::max((1 - abar_prev) / (1 - abar) * current_beta, 1e-20f);
      prev = prev + std::sqrt(variance) * z;
    }
    return prev;
  }
};

}  // namespace

std::unique_ptr<Sampler> make_ddpm(SchedulerConfig c) { return std::make_unique<Ddpm>(std::move(c)); }

}  // namespace gen::samplers
