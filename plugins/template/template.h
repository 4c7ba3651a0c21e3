// The template plugin: the smallest complete gen plugin, and the starting point for
// third-party authors (see docs/plugin-guide.md). It generates 2-D point sets from
// a Gaussian mixture. The "network" is the mixture's exact denoiser, so it needs no
// weights, yet it runs through the same core samplers as every real model.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include <gen/denoiser.h>
#include <gen/image/image.h>

namespace gen_template {

// Where the mixture's components sit: evenly on a ring, or on a square grid.
struct MixtureSpec {
  std::string layout = "ring";  // "ring" or "grid"
  int components = 8;
  double spread = 0.08;         // standard deviation of each component
};

// An isotropic Gaussian mixture in 2-D with equal weights, in plot coordinates [-1, 1].
struct GaussianMixture2d {
  torch::Tensor means;   // [K, 2]
  double variance = 0.0;

  static GaussianMixture2d from_spec(const MixtureSpec& spec);
};

// The exact denoiser of the mixture under the variance-preserving process
// x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps: predicts epsilon in closed form.
class MixtureDenoiser : public gen::Denoiser {
 public:
  MixtureDenoiser(GaussianMixture2d mixture, torch::Tensor alphas_cumprod);
  torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t,
                        const gen::Conditioning& cond) override;
  gen::PredictionType prediction_type() const override { return gen::PredictionType::epsilon; }

 private:
  torch::Tensor alpha_bar_at(const torch::Tensor& t) const;  // linear interpolation, fractional t
  GaussianMixture2d mixture_;
  torch::Tensor alphas_cumprod_;  // float64 [num_train_timesteps]
};

// The codec: points in plot coordinates <-> diffusion space (unit scale).
struct PointCodec {
  double scale = 1.0;
  torch::Tensor encode(const torch::Tensor& points) const { return points / scale; }
  torch::Tensor decode(const torch::Tensor& latent) const { return latent * scale; }
};

// A scatter plot of points in [-1.2, 1.2]^2 on a white canvas, with the component
// means marked, as an RGB image.
gen::image::Image scatter_plot(const torch::Tensor& points, const torch::Tensor& means, int width,
                               int height);

}  // namespace gen_template
