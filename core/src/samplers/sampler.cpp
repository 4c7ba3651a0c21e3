// The Sampler base: index checks, the forward process, x0 estimates, seeded noise.
#include <gen/sampler.h>

#include <gen/error.h>

#include "samplers.h"

namespace gen {

GeneratorNoise::GeneratorNoise(uint64_t seed) : generator_(at::detail::createCPUGenerator(seed)) {}

torch::Tensor GeneratorNoise::next(const torch::Tensor& like) {
  return torch::randn(like.sizes(), generator_, torch::TensorOptions().dtype(torch::kFloat32));
}

void Sampler::check_index(int64_t i) const {
  if (i < 0 || i >= num_model_calls()) {
    throw UsageError(std::string(name()) + ": step index " + std::to_string(i) + " outside 0.." +
                     std::to_string(num_model_calls() - 1) + " (call set_timesteps first)");
  }
}

std::pair<float, float> Sampler::signal_noise(int64_t i) const {
  check_index(i);
  auto t = static_cast<int64_t>(timesteps_[i].item<double>());
  float abar = alphas_cumprod_.at(static_cast<size_t>(t));
  return {std::sqrt(abar), std::sqrt(1.0f - abar)};
}

torch::Tensor Sampler::add_noise(const torch::Tensor& x0, const torch::Tensor& noise, int64_t i) const {
  auto [a, s] = signal_noise(i);
  return a * x0 + s * noise;
}

torch::Tensor Sampler::predict_x0(const torch::Tensor& out, int64_t i, const torch::Tensor& x) const {
  auto [a, s] = signal_noise(i);
  return prediction_to_x0(prediction_type(), out, x, torch::scalar_tensor(a), torch::scalar_tensor(s));
}

}  // namespace gen
