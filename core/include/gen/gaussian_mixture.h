// The exact denoiser of a Gaussian mixture: a "network" with a closed-form answer, so
// samplers and guidance can be tested against known distributions and the template
// plugin needs no weights. Isotropic components in any dimension, with per-condition
// component weights (condition c uses weights[c]), read from Conditioning::context.
#pragma once
#include <functional>
#include <utility>

#include <torch/types.h>

#include <gen/denoiser.h>
#include <gen/export.h>

namespace gen {

struct GEN_API GaussianMixture {
  torch::Tensor means;    // [K, D] float64
  double variance = 0.0;  // of every component
  torch::Tensor weights;  // [C, K] rows sum to 1; C conditions (1 if unconditional)

  // Draws n exact samples of condition c.
  torch::Tensor sample(int64_t n, int64_t condition, at::Generator& generator) const;
  // Mean [D] and covariance [D, D] of condition c.
  std::pair<torch::Tensor, torch::Tensor> moments(int64_t condition) const;
};

// The noise level at a model timestep: x_t = a x0 + s eps, each [N].
using NoiseLevelFn = std::function<std::pair<torch::Tensor, torch::Tensor>(const torch::Tensor& t)>;

// Variance-preserving levels from an alpha_bar table; fractional t interpolates sigma
// linearly, as the sigma-based samplers build their grids.
GEN_API NoiseLevelFn vp_noise_levels(const std::vector<float>& alphas_cumprod);
// Flow matching: sigma = t / num_train_timesteps, a = 1 - sigma, s = sigma.
GEN_API NoiseLevelFn flow_noise_levels(int num_train_timesteps);

class GEN_API GaussianMixtureDenoiser : public Denoiser {
 public:
  // `prediction` is epsilon (VP levels) or flow (flow levels).
  GaussianMixtureDenoiser(GaussianMixture mixture, NoiseLevelFn levels,
                          PredictionType prediction = PredictionType::epsilon);
  // cond.context, when given, is [B, ...] whose first element per item is the condition.
  torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t, const Conditioning& cond) override;
  PredictionType prediction_type() const override { return prediction_; }
  // E[x0 | x_t] for condition indices [B].
  torch::Tensor posterior_mean(const torch::Tensor& x_t, const torch::Tensor& a, const torch::Tensor& s,
                               const torch::Tensor& conditions) const;

 private:
  GaussianMixture mixture_;
  NoiseLevelFn levels_;
  PredictionType prediction_;
};

}  // namespace gen
