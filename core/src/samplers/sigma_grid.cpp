// Grids shared by the sigma-based samplers, following diffusers' set_timesteps.
#include <cmath>

#include <gen/error.h>

#include "samplers.h"

namespace gen::samplers {
namespace {

std::vector<float> log_table(const std::vector<float>& sigmas) {
  std::vector<float> out(sigmas.size());
  for (size_t i = 0; i < sigmas.size(); ++i) out[i] = std::log(sigmas[i]);
  return out;
}

// Replaces interpolated sigmas by a Karras or exponential spacing between their ends,
// with the timesteps recovered from the training table.
void respace(const SchedulerConfig& c, const std::vector<float>& table, int n, std::vector<double>& timesteps,
             std::vector<double>& sigmas, double sigma_min, double sigma_max) {
  if (c.use_karras_sigmas && c.use_exponential_sigmas)
    throw UsageError("use_karras_sigmas and use_exponential_sigmas exclude each other");
  if (!c.use_karras_sigmas && !c.use_exponential_sigmas) return;
  sigmas = c.use_karras_sigmas ? karras_sigmas(sigma_min, sigma_max, n) : exponential_sigmas(sigma_min, sigma_max, n);
  auto logs = log_table(table);
  timesteps.resize(sigmas.size());
  for (size_t i = 0; i < sigmas.size(); ++i) timesteps[i] = sigma_to_timestep(sigmas[i], logs);
}

float final_sigma(const SchedulerConfig& c, const std::vector<float>& table) {
  return c.final_sigmas_type == "sigma_min" ? table.front() : 0.0f;
}

}  // namespace

torch::Tensor float_tensor(const std::vector<float>& v) {
  return torch::tensor(torch::ArrayRef<float>(v), torch::kFloat32);
}

torch::Tensor timestep_tensor(const std::vector<double>& v, torch::ScalarType dtype) {
  return torch::tensor(torch::ArrayRef<double>(v), torch::kFloat64).to(dtype);
}

std::vector<float> clamp_terminal_alpha(std::vector<float> alphas_cumprod, bool zero_snr) {
  if (zero_snr) alphas_cumprod.back() = std::ldexp(1.0f, -24);
  return alphas_cumprod;
}

SigmaGrid discrete_sigma_grid(const SchedulerConfig& c, const std::vector<float>& alphas_cumprod, int n,
                              bool float32_timesteps) {
  auto spacing = c.spacing_or("linspace");
  SigmaGrid g;
  g.timesteps = timestep_grid(spacing, c.num_train_timesteps, n, c.steps_offset, false);
  for (double& t : g.timesteps) t = static_cast<float>(t);  // numpy casts the grid to float32 first
  auto table = sigmas_from_alphas_cumprod(alphas_cumprod);
  std::vector<double> sigmas(g.timesteps.size());
  for (size_t i = 0; i < sigmas.size(); ++i) sigmas[i] = interp_table(g.timesteps[i], table);
  respace(c, table, n, g.timesteps, sigmas, sigmas.back(), sigmas.front());
  if (float32_timesteps)
    for (double& t : g.timesteps) t = static_cast<float>(t);
  for (double s : sigmas) g.sigmas.push_back(static_cast<float>(s));
  g.sigmas.push_back(final_sigma(c, table));
  return g;
}

SigmaGrid multistep_sigma_grid(const SchedulerConfig& c, const std::vector<float>& alphas_cumprod, int n,
                               int last_timestep) {
  auto spacing = c.spacing_or("linspace");
  if (n < 1 || n > c.num_train_timesteps) throw UsageError("the number of steps must be in 1.." +
                                                           std::to_string(c.num_train_timesteps));
  SigmaGrid g;
  if (spacing == "linspace") {
    auto t = linspace(0, last_timestep - 1, n + 1);
    for (int i = n; i >= 1; --i) g.timesteps.push_back(std::nearbyint(t[i]));
  } else if (spacing == "leading") {
    int ratio = last_timestep / (n + 1);
    for (int i = n; i >= 1; --i) g.timesteps.push_back(static_cast<double>(i) * ratio + c.steps_offset);
  } else if (spacing == "trailing") {
    double ratio = static_cast<double>(c.num_train_timesteps) / n;
    for (int i = 0; last_timestep - i * ratio > 0; ++i) g.timesteps.push_back(std::nearbyint(last_timestep - i * ratio) - 1);
  } else {
    throw UsageError("unknown timestep_spacing '" + spacing + "' (valid: leading, trailing, linspace)");
  }
  auto table = sigmas_from_alphas_cumprod(alphas_cumprod);
  std::vector<double> sigmas(g.timesteps.size());
  for (size_t i = 0; i < sigmas.size(); ++i) sigmas[i] = interp_table(g.timesteps[i], table);
  respace(c, table, n, g.timesteps, sigmas, table.front(), table.back());
  for (double& t : g.timesteps) t = std::nearbyint(t);
  for (double s : sigmas) g.sigmas.push_back(static_cast<float>(s));
  g.sigmas.push_back(final_sigma(c, table));
  return g;
}

torch::Tensor integer_timesteps(const SchedulerConfig& c, int n) {
  return timestep_tensor(timestep_grid(c.spacing_or("leading"), c.num_train_timesteps, n, c.steps_offset, true),
                         torch::kInt64);
}

double euler_init_noise_sigma(const std::vector<float>& sigmas, const std::string& spacing) {
  float max = *std::max_element(sigmas.begin(), sigmas.end());
  if (spacing == "linspace" || spacing == "trailing") return max;
  return std::sqrt(max * max + 1.0f);
}

torch::Tensor scale_by_sigma(const torch::Tensor& x, float sigma) {
  return x / std::sqrt(sigma * sigma + 1.0f);
}

torch::Tensor sigma_x0(PredictionType type, const torch::Tensor& out, const torch::Tensor& x, float sigma) {
  switch (type) {
    case PredictionType::epsilon: return x - sigma * out;
    case PredictionType::v_prediction:
      return out * (-sigma / std::sqrt(sigma * sigma + 1.0f)) + x / (sigma * sigma + 1.0f);
    case PredictionType::sample: return out;
    case PredictionType::flow: break;
  }
  throw UsageError("this sampler does not take flow-matching predictions (use flow_euler)");
}

void SigmaScaledSampler::install(const SigmaGrid& grid, bool float32_timesteps) {
  sigma_values_ = grid.sigmas;
  sigmas_ = float_tensor(grid.sigmas);
  timesteps_ = timestep_tensor(grid.timesteps, float32_timesteps ? torch::kFloat32 : torch::kFloat64);
  init_noise_sigma_ = euler_init_noise_sigma(grid.sigmas, config_.spacing_or("linspace"));
}

torch::Tensor SigmaScaledSampler::scale_model_input(const torch::Tensor& x, int64_t i) const {
  check_index(i);
  return scale_by_sigma(x, sigma(i));
}

torch::Tensor SigmaScaledSampler::add_noise(const torch::Tensor& x0, const torch::Tensor& noise, int64_t i) const {
  check_index(i);
  return x0 + noise * sigma(i);
}

torch::Tensor SigmaScaledSampler::predict_x0(const torch::Tensor& out, int64_t i, const torch::Tensor& x) const {
  check_index(i);
  return sigma_x0(prediction_type(), out, x, sigma(i));
}

void AlphaSigmaSampler::install(const SigmaGrid& grid) {
  sigma_values_ = grid.sigmas;
  sigmas_ = float_tensor(grid.sigmas);
  timesteps_ = timestep_tensor(grid.timesteps, torch::kInt64);
  init_noise_sigma_ = 1.0;
}

torch::Tensor AlphaSigmaSampler::data_prediction(const torch::Tensor& out, int64_t i, const torch::Tensor& x) const {
  auto [alpha, sigma] = alpha_sigma(sigma_values_[i]);
  switch (prediction_type()) {
    case PredictionType::epsilon: return (x - sigma * out) / alpha;
    case PredictionType::sample: return out;
    case PredictionType::v_prediction: return alpha * x - sigma * out;
    case PredictionType::flow: break;
  }
  throw UsageError(std::string(name()) + " does not take flow-matching predictions (use flow_euler)");
}

}  // namespace gen::samplers
