// DPM-Solver++(2M) (Lu et al. 2022): second-order multistep in log-SNR on data
// predictions, first order on the first and last steps; diffusers'
// DPMSolverMultistepScheduler(algorithm_type="dpmsolver++", solver_order=2, midpoint).
#include <cmath>

#include <gen/error.h>

#include "samplers.h"

namespace gen::samplers {
namespace {

class DpmSolverMultistep : public AlphaSigmaSampler {
 public:
  explicit DpmSolverMultistep(SchedulerConfig c) : AlphaSigmaSampler(std::move(c)) {
    if (config_.solver_order != 2) throw UsageError("dpmpp_2m: only solver_order 2 is implemented");
    alphas_cumprod_ = clamp_terminal_alpha(make_alphas_cumprod(config_), config_.rescale_betas_zero_snr);
  }
  const char* name() const override { return config_.use_karras_sigmas ? "dpmpp_2m_karras" : "dpmpp_2m"; }

  void set_timesteps(int n) override {
    num_inference_steps_ = n;
    install(multistep_sigma_grid(config_, alphas_cumprod_, n, last_timestep()));
    previous_.reset();
    warm_ = 0;
  }

  torch::Tensor step(const torch::Tensor& out, int64_t i, const torch::Tensor& x, NoiseSource&) override {
    check_index(i);
    if (i == 0) warm_ = 0;
    const int64_t n = num_model_calls();
    bool final_first_order = i == n - 1 && ((config_.lower_order_final && n < 15) || config_.final_sigmas_type == "zero");
    auto x0 = data_prediction(out, i, x);
    torch::Tensor prev = (warm_ < 1 || final_first_order) ? first_order(x0, i, x) : second_order(x0, i, x);
    previous_ = x0;
    warm_ = std::min(warm_ + 1, 2);
    return prev;
  }

 private:
  // The largest timestep allowed by lambda_min_clipped (all of them by default).
  int last_timestep() const {
    if (!std::isfinite(config_.lambda_min_clipped)) return config_.num_train_timesteps;
    auto abar = float_tensor(alphas_cumprod_);
    auto lambda = torch::log(torch::sqrt(abar)) - torch::log(torch::sqrt(1 - abar));
    auto clipped = torch::searchsorted(torch::flip(lambda, {0}), config_.lambda_min_clipped).item<int64_t>();
    return config_.num_train_timesteps - static_cast<int>(clipped);
  }

  torch::Tensor first_order(const torch::Tensor& x0, int64_t i, const torch::Tensor& x) const {
    auto [alpha_t, sigma_t] = alpha_sigma(sigma_values_[i + 1]);
    auto [alpha_s, sigma_s] = alpha_sigma(sigma_values_[i]);
    float h = (std::log(alpha_t) - std::log(sigma_t)) - (std::log(alpha_s) - std::log(sigma_s));
    return (sigma_t / sigma_s) * x - (alpha_t * (std::exp(-h) - 1.0f)) * x0;
  }

  torch::Tensor second_order(const torch::Tensor& x0, int64_t i, const torch::Tensor& x) const {
    auto [alpha_t, sigma_t] = alpha_sigma(sigma_values_[i + 1]);
    auto [alpha_s0, sigma_s0] = alpha_sigma(sigma_values_[i]);
    auto [alpha_s1, sigma_s1] = alpha_sigma(sigma_values_[i - 1]);
    float lambda_t = std::log(alpha_t) - std::log(sigma_t);
    float lambda_s0 = std::log(alpha_s0) - std::log(sigma_s0);
    float lambda_s1 = std::log(alpha_s1) - std::log(sigma_s1);
    float h = lambda_t - lambda_s0, h_0 = lambda_s0 - lambda_s1;
    float r0 = h_0 / h;
    auto d1 = (1.0f / r0) * (x0 - previous_);
    float phi = alpha_t * (std::exp(-h) - 1.0f);
    return (sigma_t / sigma_s0) * x - phi * x0 - (0.5f * phi) * d1;
  }

  torch::Tensor previous_;
  int warm_ = 0;
};

}  // namespace

std::unique_ptr<Sampler> make_dpmpp_2m(SchedulerConfig c) {
  return std::make_unique<DpmSolverMultistep>(std::move(c));
}

}  // namespace gen::samplers
