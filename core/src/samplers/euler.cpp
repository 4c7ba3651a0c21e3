// Euler's method on the probability-flow ODE in sigma (Karras et al. 2022, Alg. 2 with
// s_churn = 0); diffusers' EulerDiscreteScheduler.
#include "samplers.h"

namespace gen::samplers {
namespace {

class Euler : public SigmaScaledSampler {
 public:
  explicit Euler(SchedulerConfig c) : SigmaScaledSampler(std::move(c)) {
    alphas_cumprod_ = clamp_terminal_alpha(make_alphas_cumprod(config_), config_.rescale_betas_zero_snr);
  }
  const char* name() const override { return "euler"; }

  void set_timesteps(int n) override {
    num_inference_steps_ = n;
    install(discrete_sigma_grid(config_, alphas_cumprod_, n, true), true);
  }

  torch::Tensor step(const torch::Tensor& out, int64_t i, const torch::Tensor& x, NoiseSource&) override {
    check_index(i);
    float s = sigma(i);
    auto x0 = sigma_x0(prediction_type(), out, x, s);
    auto derivative = (x - x0) / s;
    float dt = sigma(i + 1) - s;
    return x + derivative * dt;
  }
};

}  // namespace

std::unique_ptr<Sampler> make_euler(SchedulerConfig c) { return std::make_unique<Euler>(std::move(c)); }

}  // namespace gen::samplers
