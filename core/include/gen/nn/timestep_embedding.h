// Diffusion timestep embedding: the sinusoidal projection of t (diffusers'
// `Timesteps`) followed by the two-layer MLP (diffusers' `TimestepEmbedding`).
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/types.h>

#include <gen/export.h>

namespace gen::nn {

// Sinusoidal features of `timesteps` ([B], any int/float dtype) -> float32 [B, dim].
// freqs = exp(-ln(10000) * i / (dim/2 - freq_shift)); flip_sin_to_cos puts cos first
// (what every SD UNet uses). An odd dim is padded with one zero column.
GEN_API torch::Tensor timestep_sinusoidal(const torch::Tensor& timesteps, int64_t dim, bool flip_sin_to_cos,
                                          double freq_shift, double scale = 1.0, double max_period = 10000.0);

// The interleaved sinusoidal position table of "Attention is all you need", float32
// [length, dim]: row p = [sin(p w_0), cos(p w_0), sin(p w_1), ...], w_i = exp(-2i ln(10000) / dim),
// with torch's float32 op order (diffusers' SinusoidalPositionalEmbedding and MDM's
// PositionalEncoding build exactly this table). dim must be even.
GEN_API torch::Tensor sinusoidal_position_table(int64_t dim, int64_t length);

// Broadcasts a scalar / one-element timestep to the batch and checks a [B] one.
GEN_API torch::Tensor broadcast_timesteps(const torch::Tensor& timesteps, int64_t batch);

// linear_1 -> SiLU -> linear_2 (names as diffusers: time_embedding.linear_1 ...).
class GEN_API TimestepEmbeddingImpl : public torch::nn::Module {
 public:
  TimestepEmbeddingImpl(int64_t in_channels, int64_t embed_dim);
  torch::Tensor forward(const torch::Tensor& features);

  torch::nn::Linear linear_1{nullptr}, linear_2{nullptr};
};
TORCH_MODULE(TimestepEmbedding);

}  // namespace gen::nn
