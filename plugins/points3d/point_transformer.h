// The denoiser of points3d, shaped like Point-E's text-conditioned transformer: every
// point is a token (its xyz + rgb projected to the width), with one timestep token and
// the caption's per-token states in front; a pre-LN transformer attends over all of them
// and the point tokens are projected back to the point channels. By default there is no
// position encoding: the network is permutation-equivariant over the points, so it
// denoises any count. With `slots` the points are ordered (slot_order.h) and each slot
// has a learned embedding: the network then makes exactly that many points, and each
// point knows which part of the surface it stands for.
#pragma once
#include <cstdint>

#include <nlohmann/json_fwd.hpp>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/types.h>

#include <gen/nn/timestep_embedding.h>
#include <gen/nn/transformer_encoder.h>

namespace points3d {

struct PointTransformerConfig {
  int64_t channels = 6;       // xyz + rgb per point
  int64_t width = 128;
  int64_t layers = 6;
  int64_t heads = 4;
  int64_t text_dim = 128;     // width of the text encoder's token states
  double xyz_scale = 0.5;     // the codec: coordinates / xyz_scale, colours 2 rgb - 1
  int64_t slots = 0;          // > 0: ordered points, each slot with a learned embedding

  nlohmann::json to_json() const;
  static PointTransformerConfig from_json(const nlohmann::json& j);  // gen::ModelError on a bad config
  void validate() const;                                               // gen::ModelError
};

class PointTransformerImpl : public torch::nn::Module {
 public:
  explicit PointTransformerImpl(const PointTransformerConfig& config);
  // x [B, channels, N], t [B] (or one), text [B, L, text_dim] -> [B, channels, N].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& text);
  const PointTransformerConfig& config() const { return config_; }

  torch::nn::Linear input_proj{nullptr}, text_proj{nullptr}, output_proj{nullptr};
  gen::nn::TimestepEmbedding time_embed{nullptr};
  torch::nn::LayerNorm ln_pre{nullptr}, ln_post{nullptr};
  gen::nn::TransformerEncoder backbone{nullptr};
  torch::Tensor slot_embed;  // [slots, width] when config.slots > 0

 private:
  PointTransformerConfig config_;
};
TORCH_MODULE(PointTransformer);

}  // namespace points3d
