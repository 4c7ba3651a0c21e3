// Training schedule tables. torch ops are used where diffusers uses torch, so the
// float32 roundings (linspace's two-sided fill, cumprod's double accumulator) agree.
#include <gen/schedule.h>

#include <cmath>

#include <gen/error.h>

namespace gen {
namespace {

std::vector<float> to_vector(const torch::Tensor& t) {
  auto c = t.to(torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

torch::Tensor from_vector(const std::vector<float>& v) {
  return torch::from_blob(const_cast<float*>(v.data()), {static_cast<int64_t>(v.size())}, torch::kFloat32)
      .clone();
}

// betas_for_alpha_bar with the cosine alpha_bar of Nichol & Dhariwal, in float64.
std::vector<float> cosine_betas(int n) {
  auto alpha_bar = [](double t) { return std::pow(std::cos((t + 0.008) / 1.008 * M_PI / 2), 2); };
  std::vector<float> betas(n);
  for (int i = 0; i < n; ++i) {
    double t1 = static_cast<double>(i) / n, t2 = static_cast<double>(i + 1) / n;
    betas[i] = static_cast<float>(std::min(1 - alpha_bar(t2) / alpha_bar(t1), 0.999));
  }
  return betas;
}

// Lin et al. (2023): shift and scale sqrt(alpha_bar) so the last step has zero SNR.
torch::Tensor rescale_zero_terminal_snr(const torch::Tensor& betas) {
  auto alphas_bar_sqrt = torch::cumprod(1.0 - betas, 0).sqrt();
  auto first = alphas_bar_sqrt[0].clone();
  auto last = alphas_bar_sqrt[-1].clone();
  alphas_bar_sqrt -= last;
  alphas_bar_sqrt *= first / (first - last);
  auto alphas_bar = alphas_bar_sqrt.pow(2);
  auto alphas = torch::cat({alphas_bar.slice(0, 0, 1), alphas_bar.slice(0, 1) / alphas_bar.slice(0, 0, -1)});
  return 1 - alphas;
}

}  // namespace

std::vector<float> make_betas(const SchedulerConfig& c) {
  if (c.num_train_timesteps < 2) throw UsageError("num_train_timesteps must be at least 2");
  torch::Tensor betas;
  auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
  if (!c.trained_betas.empty()) {
    betas = from_vector(c.trained_betas);
  } else if (c.beta_schedule == "linear") {
    betas = torch::linspace(c.beta_start, c.beta_end, c.num_train_timesteps, f32);
  } else if (c.beta_schedule == "scaled_linear") {
    betas = torch::linspace(std::sqrt(c.beta_start), std::sqrt(c.beta_end), c.num_train_timesteps, f32).pow(2);
  } else if (c.beta_schedule == "squaredcos_cap_v2") {
    betas = from_vector(cosine_betas(c.num_train_timesteps));
  } else {
    throw UsageError("unknown beta_schedule '" + c.beta_schedule +
                     "' (valid: linear, scaled_linear, squaredcos_cap_v2)");
  }
  if (c.rescale_betas_zero_snr) betas = rescale_zero_terminal_snr(betas);
  return to_vector(betas);
}

std::vector<float> make_alphas_cumprod(const SchedulerConfig& c) {
  return to_vector(torch::cumprod(1.0 - from_vector(make_betas(c)), 0));
}

std::vector<float> sigmas_from_alphas_cumprod(const std::vector<float>& alphas_cumprod) {
  auto a = from_vector(alphas_cumprod);
  return to_vector(((1 - a) / a).pow(0.5));
}

}  // namespace gen
