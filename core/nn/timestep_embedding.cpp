#include <gen/nn/timestep_embedding.h>

#include <cmath>
#include <string>

#include <torch/nn/functional/activation.h>

#include <gen/error.h>

namespace gen::nn {

torch::Tensor timestep_sinusoidal(const torch::Tensor& timesteps, int64_t dim, bool flip_sin_to_cos,
                                  double freq_shift, double scale, double max_period) {
  if (timesteps.dim() != 1) throw UsageError("timestep_sinusoidal expects a 1-D tensor of timesteps");
  const int64_t half = dim / 2;
  // Same float32 op order as diffusers so the features match to the last bit or two.
  auto exponent = torch::arange(0, half, torch::TensorOptions().dtype(torch::kFloat32).device(timesteps.device()));
  exponent = exponent * static_cast<float>(-std::log(max_period));
  exponent = exponent / static_cast<float>(half - freq_shift);
  auto freqs = torch::exp(exponent);
  auto args = timesteps.unsqueeze(1).to(torch::kFloat32) * freqs.unsqueeze(0);
  args = args * static_cast<float>(scale);
  auto emb = torch::cat({torch::sin(args), torch::cos(args)}, -1);
  if (flip_sin_to_cos) emb = torch::cat({emb.narrow(1, half, half), emb.narrow(1, 0, half)}, -1);
  if (dim % 2 == 1) emb = torch::constant_pad_nd(emb, {0, 1});
  return emb;
}

torch::Tensor sinusoidal_position_table(int64_t dim, int64_t length) {
  if (dim <= 0 || dim % 2 != 0 || length < 0)
    throw ModelError("a sinusoidal position table needs a positive even width, got " + std::to_string(dim));
  // Integer positions times float32 frequencies, as the Python references compute them.
  auto position = torch::arange(length, torch::kInt64).unsqueeze(1).to(torch::kFloat32);
  auto div_term = torch::exp(torch::arange(0, dim, 2, torch::kInt64).to(torch::kFloat32) *
                             static_cast<float>(-std::log(10000.0) / static_cast<double>(dim)));
  auto angles = position * div_term;  // [length, dim/2]
  // Interleave: stacking on a new last axis puts sin(p w_i) at 2i and cos(p w_i) at 2i+1.
  return torch::stack({torch::sin(angles), torch::cos(angles)}, -1).reshape({length, dim});
}

torch::Tensor broadcast_timesteps(const torch::Tensor& timesteps, int64_t batch) {
  if (timesteps.numel() == 1) return timesteps.reshape({1}).expand({batch});
  if (timesteps.dim() != 1 || timesteps.size(0) != batch)
    throw UsageError("timesteps must be a scalar or have one entry per batch item (" + std::to_string(batch) +
                     "), got " + std::to_string(timesteps.numel()));
  return timesteps;
}

TimestepEmbeddingImpl::TimestepEmbeddingImpl(int64_t in_channels, int64_t embed_dim) {
  linear_1 = register_module("linear_1", torch::nn::Linear(in_channels, embed_dim));
  linear_2 = register_module("linear_2", torch::nn::Linear(embed_dim, embed_dim));
}

torch::Tensor TimestepEmbeddingImpl::forward(const torch::Tensor& features) {
  return linear_2(torch::silu(linear_1(features)));
}

}  // namespace gen::nn
