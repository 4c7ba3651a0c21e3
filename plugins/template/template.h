// The template plugin: the smallest complete gen plugin, and the starting point for
// third-party authors (see docs/plugin-guide.md). It generates 2-D point sets from
// a Gaussian mixture. The "network" is the mixture's exact denoiser (gen's
// GaussianMixtureDenoiser), so it needs no weights, yet it runs through the same core
// samplers and sampling loop as every real model.
#pragma once
#include <string>

#include <torch/types.h>

#include <gen/gaussian_mixture.h>
#include <gen/image/image.h>

namespace gen_template {

// Where the mixture's components sit: evenly on a ring, or on a square grid.
struct MixtureSpec {
  std::string layout = "ring";  // "ring" or "grid"
  int components = 8;
  double spread = 0.08;         // standard deviation of each component
};

// An isotropic, equally weighted Gaussian mixture in plot coordinates [-1, 1].
gen::GaussianMixture mixture_from_spec(const MixtureSpec& spec);

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
