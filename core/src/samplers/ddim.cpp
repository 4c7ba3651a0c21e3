// DDIM (Song et al. 2021) with eta: deterministic at eta = 0; diffusers' DDIMScheduler.
#include <cmath>

#include <gen/error.h>

#include "samplers.h"

namespace gen::samplers {
namespace {

class Ddim : public Sampler {
 public:
  explicit Ddim(SchedulerConfig c) : Sampler(std::move(c)) {
    alphas_cumprod_ = make_alphas_cumprod(config_);
    final_abar_ = config_.set_alpha_to_one ? 1.0f : alphas_cumprod_.front();
    if (config_.eta < 0) throw UsageError("ddim: eta must be >= 0");
  }
  const char* name() const override { return "ddim"; }
  bool stochastic() const override { return config_.eta > 0; }

  void set_timesteps(int n) override {
    num_inference_steps_ = n;
    timesteps_ = integer_timesteps(config_, n);
  }

  torch::Tensor step(const torch::Tensor& out, int64_t i, const torch::Tensor& x, NoiseSource& noise) override {
    check_index(i);
    int64_t t = timesteps_[i].item<int64_t>();
    int64_t prev_t = t - config_.num_train_timesteps / num_inference_steps_;
    float abar = alphas_cumprod_.at(t);
    float abar_prev = prev_t >= 0 ? alphas_cumprod_.at(prev_t) : final_abar_;
    float beta_prod = 1 - abar;

    torch::Tensor x0, eps;
    switch (prediction_type()) {
      case PredictionType::epsilon:
        x0 = (x - std::sqrt(beta_prod) * out) / std::sqrt(abar);
        eps = out;
        break;
      case PredictionType::sample:
        x0 = out;
        eps = (x - std::sqrt(abar) * x0) / std::sqrt(beta_prod);
        break;
      case PredictionType::v_prediction:
        x0 = std::sqrt(abar) * x - std::sqrt(beta_prod) * out;
        eps = std::sqrt(abar) * out + std::sqrt(beta_prod) * x;
        break;
      case PredictionType::flow: throw UsageError("ddim does not take flow-matching predictions");
    }
    if (config_.clip_sample) x0 = x0.clamp(-config_.clip_sample_range, config_.clip_sample_range);

    float variance = ((1 - abar_prev) / beta_prod) * (1 - abar / abar_prev);
    float std_dev = static_cast<float>(config_.eta) * std::sqrt(variance);
    auto direction = std::sqrt(1 - abar_prev - std_dev * std_dev) * eps;
    auto prev = std::sqrt(abar_prev) * x0 + direction;
    if (config_.eta > 0) prev = prev + std_dev * noise.next(out);
    return prev;
  }

 private:
  float final_abar_;
};

}  // namespace

std::unique_ptr<Sampler> make_ddim(SchedulerConfig c) { return std::make_unique<Ddim>(std::move(c)); }

}  // namespace gen::samplers
