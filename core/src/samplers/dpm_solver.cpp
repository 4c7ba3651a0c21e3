// DPM-Solver++ (Lu et al. 2022): multistep in log-SNR lambda on data predictions;
// diffusers' DPMSolverMultistepScheduler(algorithm_type "dpmsolver++" or
// "sde-dpmsolver++", solver_type "midpoint", solver_order 2 or 3). The sample is VP:
// x = alpha x0 + sigma eps. The updates themselves live in dpm_solver_updates.cpp.
#include <cmath>

#include <gen/error.h>

#include "dpm_solver.h"
#include "samplers.h"

namespace gen::samplers {
namespace {

class DpmSolverMultistep : public AlphaSigmaSampler {
 public:
  explicit DpmSolverMultistep(SchedulerConfig c) : AlphaSigmaSampler(std::move(c)) {
    adopt_foreign_types();
    check_variant();
    sde_ = config_.algorithm_type == "sde-dpmsolver++";
    alphas_cumprod_ = clamp_terminal_alpha(make_alphas_cumprod(config_), config_.rescale_betas_zero_snr);
  }
  const char* name() const override {
    static const char* const kNames[2][2] = {{"dpmpp_2m", "dpmpp_2m_karras"}, {"dpmpp_3m", "dpmpp_3m_karras"}};
    if (sde_) return config_.use_karras_sigmas ? "dpmpp_2m_sde_karras" : "dpmpp_2m_sde";
    return kNames[config_.solver_order == 3][config_.use_karras_sigmas];
  }
  bool stochastic() const override { return sde_; }

  void set_timesteps(int n) override {
    num_inference_steps_ = n;
    install(multistep_sigma_grid(config_, alphas_cumprod_, n, last_timestep()));
    history_.clear();
  }

  torch::Tensor step(const torch::Tensor& out, int64_t i, const torch::Tensor& x, NoiseSource& noise) override {
    check_index(i);
    if (i == 0) history_.clear();
    const int order = order_at(i);
    history_.insert(history_.begin(), data_prediction(out, i, x));
    // diffusers draws before it picks the order, so every step (the last too) takes a draw.
    auto z = sde_ ? noise.next(out) : torch::Tensor();
    auto prev = update(order, i, x, z);
    if (static_cast<int>(history_.size()) >= config_.solver_order) history_.pop_back();
    return prev;
  }

 private:
  // As diffusers' constructor: a config written for DEIS or UniPC (from_config across
  // classes) names that class's types, which stand for this class's defaults.
  void adopt_foreign_types() {
    if (config_.algorithm_type == "deis") config_.algorithm_type = "dpmsolver++";
    const auto type = config_.solver_type.value_or("midpoint");
    if (type == "logrho" || type == "bh1" || type == "bh2") config_.solver_type = "midpoint";
  }

  void check_variant() const {
    const auto& algorithm = config_.algorithm_type;
    if (algorithm != "dpmsolver++" && algorithm != "sde-dpmsolver++")
      throw UsageError("DPMSolverMultistepScheduler: algorithm_type '" + algorithm +
                       "' is not supported (dpmsolver++, sde-dpmsolver++)");
    if (config_.solver_type.value_or("midpoint") != "midpoint")
      throw UsageError("DPMSolverMultistepScheduler: only solver_type 'midpoint' is supported");
    const int max_order = algorithm == "dpmsolver++" ? 3 : 2;  // diffusers has no third-order SDE update
    if (config_.solver_order < 2 || config_.solver_order > max_order)
      throw UsageError("DPMSolverMultistepScheduler: solver_order " + std::to_string(config_.solver_order) +
                       " is not supported with " + algorithm + " (2" + (max_order == 3 ? " or 3)" : " only)"));
  }

  // The order of step i: limited by the history gathered since set_timesteps (warm-up),
  // first order on the last step (always when it lands on sigma 0) and at most second
  // order on the one before it for short runs, as diffusers' lower_order_final does.
  int order_at(int64_t i) const {
    const int64_t n = num_model_calls();
    const bool short_run = config_.lower_order_final && n < 15;
    if (i == n - 1 && (short_run || config_.final_sigmas_type == "zero")) return 1;
    int order = std::min(config_.solver_order, static_cast<int>(history_.size()) + 1);
    if (i == n - 2 && short_run) order = std::min(order, 2);
    return order;
  }

  torch::Tensor update(int order, int64_t i, const torch::Tensor& x, const torch::Tensor& z) const {
    DpmStep s;
    s.to = sigma_values_[i + 1];
    for (int k = 0; k < order; ++k) s.from.push_back(sigma_values_[i - k]);
    if (sde_) return order == 1 ? sde_first_order(s, x, history_, z) : sde_second_order(s, x, history_, z);
    if (order == 1) return first_order(s, x, history_);
    return order == 2 ? second_order(s, x, history_) : third_order(s, x, history_);
  }

  // The largest timestep allowed by lambda_min_clipped (all of them by default).
  int last_timestep() const {
    if (!std::isfinite(config_.lambda_min_clipped)) return config_.num_train_timesteps;
    auto abar = float_tensor(alphas_cumprod_);
    auto lambda = torch::log(torch::sqrt(abar)) - torch::log(torch::sqrt(1 - abar));
    auto clipped = torch::searchsorted(torch::flip(lambda, {0}), config_.lambda_min_clipped).item<int64_t>();
    return config_.num_train_timesteps - static_cast<int>(clipped);
  }

  bool sde_ = false;
  std::vector<torch::Tensor> history_;  // x0 predictions, newest first
};

}  // namespace

std::unique_ptr<Sampler> make_dpm_solver(SchedulerConfig c) {
  return std::make_unique<DpmSolverMultistep>(std::move(c));
}

}  // namespace gen::samplers
