// Private to the samplers: factories and the grids several samplers share.
#pragma once
#include <cmath>
#include <memory>
#include <utility>
#include <vector>

#include <gen/sampler.h>

namespace gen::samplers {

std::unique_ptr<Sampler> make_ddpm(SchedulerConfig c);
std::unique_ptr<Sampler> make_ddim(SchedulerConfig c);
std::unique_ptr<Sampler> make_pndm(SchedulerConfig c);
std::unique_ptr<Sampler> make_euler(SchedulerConfig c);
std::unique_ptr<Sampler> make_euler_ancestral(SchedulerConfig c);
std::unique_ptr<Sampler> make_heun(SchedulerConfig c);
std::unique_ptr<Sampler> make_lms(SchedulerConfig c);
// DPM-Solver++ and UniPC build the variant the config names (solver_order,
// algorithm_type, solver_type); sampler_names.cpp fixes those fields for each name.
std::unique_ptr<Sampler> make_dpm_solver(SchedulerConfig c);
std::unique_ptr<Sampler> make_unipc(SchedulerConfig c);
std::unique_ptr<Sampler> make_flow_euler(SchedulerConfig c);
std::unique_ptr<Sampler> make_lcm(SchedulerConfig c);

// A descending grid of timesteps with the sigma of each, plus the final sigma.
struct SigmaGrid {
  std::vector<double> timesteps;
  std::vector<float> sigmas;  // timesteps.size() + 1 entries
};

// The Euler-family grid (Euler, Euler a, Heun, LMS): float32 timesteps, sigmas
// interpolated from the training table, optional Karras/exponential respacing.
// `float32_timesteps` is false where diffusers keeps float64 Karras timesteps.
SigmaGrid discrete_sigma_grid(const SchedulerConfig& c, const std::vector<float>& alphas_cumprod, int n,
                              bool float32_timesteps);
// The DPM-Solver/UniPC grid: n+1 points with the last dropped, integer timesteps.
SigmaGrid multistep_sigma_grid(const SchedulerConfig& c, const std::vector<float>& alphas_cumprod, int n,
                               int last_timestep);
// DDPM/DDIM/LCM-style integer timesteps (default spacing "leading").
torch::Tensor integer_timesteps(const SchedulerConfig& c, int n);
// Euler-family initial noise scale: sigma_max, or sqrt(sigma_max^2 + 1) for leading spacing.
double euler_init_noise_sigma(const std::vector<float>& sigmas, const std::string& spacing);

torch::Tensor float_tensor(const std::vector<float>& v);
torch::Tensor timestep_tensor(const std::vector<double>& v, torch::ScalarType dtype);

// x / sqrt(sigma^2 + 1), as the Euler family scales model inputs.
torch::Tensor scale_by_sigma(const torch::Tensor& x, float sigma);
// x0 from a model output at noise level sigma (x = x0 + sigma eps), Euler-family style.
torch::Tensor sigma_x0(PredictionType type, const torch::Tensor& out, const torch::Tensor& x, float sigma);
// exp, log and expm1 of a float32 as diffusers gets them from 0-d torch tensors
// (torch_scalar_math.cpp says why not libm).
float torch_exp(float v);
float torch_log(float v);
float torch_expm1(float v);

// VP levels of an Euler-family sigma: alpha = 1/sqrt(s^2+1), sigma_vp = s alpha (float32).
inline std::pair<float, float> vp_alpha_sigma(float sigma) {
  float alpha = 1.0f / std::sqrt(sigma * sigma + 1.0f);
  return {alpha, sigma * alpha};
}
// log(alpha) - log(sigma_vp), in float32 like diffusers; +inf at sigma 0.
inline float vp_lambda(float sigma) {
  auto [a, s] = vp_alpha_sigma(sigma);
  return torch_log(a) - torch_log(s);
}
// alpha_bar with a zero terminal value replaced by 2^-24 (zero-SNR schedules).
std::vector<float> clamp_terminal_alpha(std::vector<float> alphas_cumprod, bool zero_snr);

}  // namespace gen::samplers

namespace gen::samplers {

// Base of the k-diffusion style samplers (Euler, Euler a, Heun, LMS), whose state is
// x = x0 + sigma * eps and whose network input is x / sqrt(sigma^2 + 1).
class SigmaScaledSampler : public Sampler {
 public:
  using Sampler::Sampler;
  torch::Tensor scale_model_input(const torch::Tensor& x, int64_t i) const override;
  torch::Tensor add_noise(const torch::Tensor& x0, const torch::Tensor& noise, int64_t i) const override;
  torch::Tensor predict_x0(const torch::Tensor& out, int64_t i, const torch::Tensor& x) const override;

 protected:
  float sigma(int64_t i) const { return sigma_values_.at(static_cast<size_t>(i)); }
  // Stores the grid as tensors and sets init_noise_sigma.
  void install(const SigmaGrid& grid, bool float32_timesteps);
  std::vector<float> sigma_values_;
};

// Base of the samplers that work on alpha_t x0 + sigma_t eps with alpha_t = 1/sqrt(s^2+1)
// (DPM-Solver++, UniPC): their sigma grid is the Euler one, their state is VP.
class AlphaSigmaSampler : public Sampler {
 public:
  using Sampler::Sampler;

 protected:
  std::pair<float, float> signal_noise(int64_t i) const override { return alpha_sigma(sigma_values_.at(i)); }
  static std::pair<float, float> alpha_sigma(float sigma) { return vp_alpha_sigma(sigma); }
  // The model output at call i turned into an x0 estimate (DPM-Solver++ and UniPC work
  // on data predictions); flow predictions are refused.
  torch::Tensor data_prediction(const torch::Tensor& out, int64_t i, const torch::Tensor& x) const;
  // log(alpha_t) - log(sigma_t), in float32 like diffusers.
  static float lambda(float sigma) { return vp_lambda(sigma); }
  void install(const SigmaGrid& grid);
  std::vector<float> sigma_values_;
};

}  // namespace gen::samplers
