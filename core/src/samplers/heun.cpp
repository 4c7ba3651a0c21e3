// Heun's second-order method (Karras et al. 2022, Alg. 1 without churn): each step is an
// Euler predictor and a trapezoidal corrector, so 2n-1 model calls on an interleaved grid
// [t0, t1, t1, t2, t2, ...]; diffusers' HeunDiscreteScheduler. The last step is plain Euler.
#include "samplers.h"

namespace gen::samplers {
namespace {

class Heun : public SigmaScaledSampler {
 public:
  explicit Heun(SchedulerConfig c) : SigmaScaledSampler(std::move(c)) {
    alphas_cumprod_ = make_alphas_cumprod(config_);
  }
  const char* name() const override { return "heun"; }
  int order() const override { return 2; }

  void set_timesteps(int n) override {
    num_inference_steps_ = n;
    bool karras = config_.use_karras_sigmas || config_.use_exponential_sigmas;
    auto grid = discrete_sigma_grid(config_, alphas_cumprod_, n, !karras);
    SigmaGrid interleaved;
    interleaved.sigmas.push_back(grid.sigmas.front());
    interleaved.timesteps.push_back(grid.timesteps.front());
    for (size_t k = 1; k + 1 < grid.sigmas.size(); ++k) interleaved.sigmas.insert(interleaved.sigmas.end(), 2, grid.sigmas[k]);
    for (size_t k = 1; k < grid.timesteps.size(); ++k)
      interleaved.timesteps.insert(interleaved.timesteps.end(), 2, grid.timesteps[k]);
    interleaved.sigmas.push_back(grid.sigmas.back());
    install(interleaved, !karras);
    init_noise_sigma_ = euler_init_noise_sigma(grid.sigmas, config_.spacing_or("linspace"));
    first_order_ = true;
  }

  torch::Tensor step(const torch::Tensor& out, int64_t i, const torch::Tensor& x, NoiseSource&) override {
    check_index(i);
    if (i == 0) first_order_ = true;
    if (first_order_) {
      float s = sigma(i), next = sigma(i + 1);
      auto x0 = sigma_x0(prediction_type(), out, x, s);
      derivative_ = (x - x0) / s;
      dt_ = next - s;
      sample_ = x;
      first_order_ = false;
      return x + derivative_ * dt_;
    }
    float next = sigma(i);
    auto x0 = sigma_x0(prediction_type(), out, x, next);
    auto derivative = ((x - x0) / next + derivative_) / 2;
    first_order_ = true;
    return sample_ + derivative * dt_;
  }

 private:
  bool first_order_ = true;
  torch::Tensor derivative_, sample_;
  float dt_ = 0;
};

}  // namespace

std::unique_ptr<Sampler> make_heun(SchedulerConfig c) { return std::make_unique<Heun>(std::move(c)); }

}  // namespace gen::samplers
