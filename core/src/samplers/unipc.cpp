// UniPC (Zhao et al. 2023), B(h) = expm1(h) ("bh2"), order 2 on data predictions: each
// step first corrects the current sample with the new model output (UniC), then
// predicts the next one (UniP); diffusers' UniPCMultistepScheduler.
#include <cmath>

#include <gen/error.h>

#include "samplers.h"

namespace gen::samplers {
namespace {

class UniPc : public AlphaSigmaSampler {
 public:
  explicit UniPc(SchedulerConfig c) : AlphaSigmaSampler(std::move(c)) {
    if (config_.solver_order != 2) throw UsageError("unipc: only solver_order 2 is implemented");
    alphas_cumprod_ = clamp_terminal_alpha(make_alphas_cumprod(config_), config_.rescale_betas_zero_snr);
  }
  const char* name() const override { return "unipc"; }

  void set_timesteps(int n) override {
    num_inference_steps_ = n;
    install(multistep_sigma_grid(config_, alphas_cumprod_, n, config_.num_train_timesteps));
    reset();
  }

  torch::Tensor step(const torch::Tensor& out, int64_t i, const torch::Tensor& x, NoiseSource&) override {
    check_index(i);
    if (i == 0) reset();
    auto x0 = data_prediction(out, i, x);
    auto sample = (i > 0 && last_sample_.defined()) ? corrector(x0, i) : x;
    older_ = latest_;
    latest_ = x0;
    int order = config_.lower_order_final ? std::min<int64_t>(2, num_model_calls() - i) : 2;
    this_order_ = std::min(order, warm_ + 1);
    last_sample_ = sample;
    auto prev = predictor(sample, i);
    warm_ = std::min(warm_ + 1, 2);
    return prev;
  }

 private:
  void reset() {
    latest_ = older_ = last_sample_ = torch::Tensor();
    warm_ = 0;
    this_order_ = 1;
  }

  // h*phi_k terms of the B(h) expansion: b_k = h_phi_k * k! / B(h), for k = 1..order.
  static std::vector<float> b_coefficients(float hh, int order) {
    float h_phi_1 = std::expm1(hh), h_phi_k = h_phi_1 / hh - 1, b_h = std::expm1(hh);
    std::vector<float> b;
    float factorial = 1;
    for (int k = 1; k <= order; ++k) {
      b.push_back(h_phi_k * factorial / b_h);
      factorial *= static_cast<float>(k + 1);
      h_phi_k = h_phi_k / hh - 1 / factorial;
    }
    return b;
  }

  // UniP: step from the sample at call i to call i+1 using the stored data predictions.
  torch::Tensor predictor(const torch::Tensor& x, int64_t i) const {
    auto [alpha_t, sigma_t] = alpha_sigma(sigma_values_[i + 1]);
    auto [alpha_s0, sigma_s0] = alpha_sigma(sigma_values_[i]);
    float lambda_s0 = std::log(alpha_s0) - std::log(sigma_s0);
    float h = (std::log(alpha_t) - std::log(sigma_t)) - lambda_s0;
    float hh = -h, h_phi_1 = std::expm1(hh), b_h = std::expm1(hh);
    auto x_t = (sigma_t / sigma_s0) * x - (alpha_t * h_phi_1) * latest_;
    if (this_order_ < 2) return x_t;
    float rk = (lambda(sigma_values_[i - 1]) - lambda_s0) / h;
    auto d1 = (older_ - latest_) / rk;
    auto pred_res = 0.5f * d1;  // rhos_p = [0.5] for order 2
    return x_t - (alpha_t * b_h) * pred_res;
  }

  // UniC: refine the sample at call i with the model output just computed there.
  torch::Tensor corrector(const torch::Tensor& model_t, int64_t i) const {
    auto [alpha_t, sigma_t] = alpha_sigma(sigma_values_[i]);
    auto [alpha_s0, sigma_s0] = alpha_sigma(sigma_values_[i - 1]);
    float lambda_s0 = std::log(alpha_s0) - std::log(sigma_s0);
    float h = (std::log(alpha_t) - std::log(sigma_t)) - lambda_s0;
    float hh = -h, h_phi_1 = std::expm1(hh), b_h = std::expm1(hh);
    const auto& m0 = latest_;
    auto x_t = (sigma_t / sigma_s0) * last_sample_ - (alpha_t * h_phi_1) * m0;
    auto d1_t = model_t - m0;
    auto b = b_coefficients(hh, this_order_);
    if (this_order_ < 2) return x_t - (alpha_t * b_h) * (0.0f + 0.5f * d1_t);
    float rk = (lambda(sigma_values_[i - 2]) - lambda_s0) / h;
    auto d1 = (older_ - m0) / rk;
    auto r = torch::tensor({1.0f, 1.0f, rk, 1.0f}).view({2, 2});
    auto rhos = torch::linalg_solve(r, torch::tensor({b[0], b[1]}));
    auto corr_res = rhos[0].item<float>() * d1;
    return x_t - (alpha_t * b_h) * (corr_res + rhos[1].item<float>() * d1_t);
  }

  torch::Tensor latest_, older_, last_sample_;
  int warm_ = 0;
  int this_order_ = 1;
};

}  // namespace

std::unique_ptr<Sampler> make_unipc(SchedulerConfig c) { return std::make_unique<UniPc>(std::move(c)); }

}  // namespace gen::samplers
