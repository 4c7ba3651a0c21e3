// The one interface every network is seen through (k-diffusion's idea): a Denoiser
// predicts something from (x_t, t, conditioning); its PredictionType says what, and
// the converters below turn any prediction into x0 and epsilon so samplers never
// care how a network was trained.
#pragma once
#include <map>
#include <string>

#include <torch/types.h>

#include <gen/export.h>

namespace gen {

enum class PredictionType { epsilon, v_prediction, sample, flow };

GEN_API PredictionType parse_prediction_type(const std::string& name);  // throws UsageError
GEN_API const char* prediction_type_name(PredictionType type);

// Everything a network is conditioned on besides x_t and t. Empty tensors mean "absent".
struct Conditioning {
  torch::Tensor context;  // [B, L, D] cross-attention states (text embeddings)
  torch::Tensor pooled;   // [B, D] pooled embedding, for networks that take one
  torch::Tensor concat;   // [B, C, H, W] channels concatenated to x_t (inpainting models)
  std::map<std::string, torch::Tensor> extra;  // anything else a plugin's network needs
};

class GEN_API Denoiser {
 public:
  virtual ~Denoiser() = default;
  // x_t: [B, ...]; t: [B] timesteps in the training schedule's units (float or int64).
  virtual torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t,
                                const Conditioning& cond) = 0;
  virtual PredictionType prediction_type() const = 0;
};

// Converters for the variance-preserving process x_t = a*x0 + s*eps, where
// a = sqrt(alpha_bar_t), s = sqrt(1 - alpha_bar_t) (broadcastable tensors or scalars).
// For flow matching x_t = (1 - sigma)*x0 + sigma*eps, pass a = 1 - sigma, s = sigma.
GEN_API torch::Tensor prediction_to_x0(PredictionType type, const torch::Tensor& prediction,
                                       const torch::Tensor& x_t, const torch::Tensor& a,
                                       const torch::Tensor& s);
GEN_API torch::Tensor prediction_to_epsilon(PredictionType type, const torch::Tensor& prediction,
                                            const torch::Tensor& x_t, const torch::Tensor& a,
                                            const torch::Tensor& s);

}  // namespace gen
