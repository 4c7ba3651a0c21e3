// Euler ancestral (k-diffusion's sample_euler_ancestral, eta = 1): an Euler step down to
// sigma_down, then fresh noise of scale sigma_up; diffusers' EulerAncestralDiscreteScheduler.
#include <algorithm>
#include <cmath>

#include "samplers.h"

namespace gen::samplers {
namespace {

class EulerAncestral : public SigmaScaledSampler {
 public:
  explicit EulerAncestral(SchedulerConfig c) : SigmaScaledSampler(std::move(c)) {
    alphas_cumprod_ = clamp_terminal_alpha(make_alphas_cumprod(config_), config_.rescale_betas_zero_snr);
  }
  const char* name() const override { return "euler_a"; }
  bool stochastic() const override { return true; }

  void set_timesteps(int n) override {
    num_inference_steps_ = n;
    install(discrete_sigma_grid(config_, alphas_cumprod_, n, true), true);
  }

  torch::Tensor step(const torch::Tensor& out, int64_t i, const torch::Tensor& x, NoiseSource& noise) override {
    check_index(i);
    float from = sigma(i), to = sigma(i + 1);
    auto x0 = sigma_x0(prediction_type(), out, x, from);
    // In double and clamped: with a cosine schedule's huge first sigma, up ~ to and
    // to^2 - up^2 rounds below zero in float.
    const double f = from, t = to;
    const double up_d = std::sqrt(std::max(0.0, t * t * (f * f - t * t) / (f * f)));
    const float up = static_cast<float>(up_d);
    const float down = static_cast<float>(std::sqrt(std::max(0.0, t * t - up_d * up_d)));
    auto derivative = (x - x0) / from;
    auto prev = x + derivative * (down - from);
    return prev + noise.next(out) * up;
  }
};

}  // namespace

std::unique_ptr<Sampler> make_euler_ancestral(SchedulerConfig c) {
  return std::make_unique<EulerAncestral>(std::move(c));
}

}  // namespace gen::samplers
