// Guidance: wrappers around a Denoiser that steer what it predicts.
//  - ClassifierFreeGuidance: uncond + scale * (cond - uncond), both in one batched
//    network call, with guidance rescale and a guidance interval.
//  - ClassifierGuidance: shifts the prediction by the gradient of a differentiable
//    critic's log p(y | x_t) (Dhariwal & Nichol 2021).
//  - Score distillation (SDS, Poole et al. 2022): the gradient that optimises an
//    external representation through a frozen denoiser.
#pragma once
#include <functional>
#include <limits>
#include <vector>

#include <torch/types.h>

#include <gen/denoiser.h>
#include <gen/export.h>

namespace gen {

struct CfgOptions {
  double scale = 7.5;
  // Guidance rescale phi (Lin et al. 2023): 0 = off, 0.7 is their suggestion.
  double rescale = 0.0;
  // Guidance applies only while t_min <= t <= t_max (timestep units); outside the
  // interval the conditional prediction alone is used and the network runs once.
  double t_min = -std::numeric_limits<double>::infinity();
  double t_max = std::numeric_limits<double>::infinity();
};

class GEN_API ClassifierFreeGuidance : public Denoiser {
 public:
  // `uncond` is the conditioning of the negative / empty prompt.
  ClassifierFreeGuidance(Denoiser& model, Conditioning uncond, CfgOptions options);
  torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t, const Conditioning& cond) override;
  PredictionType prediction_type() const override { return model_.prediction_type(); }
  int64_t network_calls() const { return calls_; }

 private:
  bool in_interval(const torch::Tensor& t) const;
  Denoiser& model_;
  Conditioning uncond_;
  CfgOptions options_;
  int64_t calls_ = 0;
};

// Guidance over a chain of conditionings c_0 (empty) ... c_n (the full one, passed to
// predict): eps(c_0) + sum_k scale_k (eps(c_k) - eps(c_{k-1})). Each scale weighs what
// one more part of the condition adds — InstructPix2Pix's image and text scales, or the
// text a video model's motion modules read on top of its image text. Equal scales s
// give plain CFG at s. All n + 1 predictions run in one batched call when they stack.
class GEN_API ChainedGuidance : public Denoiser {
 public:
  // `chain` holds c_0 ... c_{n-1}; `scales` holds scale_1 ... scale_n (n >= 1).
  ChainedGuidance(Denoiser& model, std::vector<Conditioning> chain, std::vector<double> scales);
  torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t, const Conditioning& cond) override;
  PredictionType prediction_type() const override { return model_.prediction_type(); }
  int64_t network_calls() const { return calls_; }

 private:
  Denoiser& model_;
  std::vector<Conditioning> chain_;
  std::vector<double> scales_;
  int64_t calls_ = 0;
};

// The combination rule on its own: uncond + scale (cond - uncond), then rescaled so
// its per-sample standard deviation moves towards that of `cond` by `rescale`.
GEN_API torch::Tensor combine_cfg(const torch::Tensor& uncond, const torch::Tensor& cond, double scale,
                                  double rescale);

// The variance-preserving process at a timestep: x_t = a x0 + s eps.
struct ProcessCoefficients {
  torch::Tensor a;
  torch::Tensor s;
};
// Maps timesteps [B] to broadcastable coefficients for x_t's shape.
using ProcessAt = std::function<ProcessCoefficients(const torch::Tensor& t, const torch::Tensor& x_t)>;

// A ProcessAt for a discrete alphas_cumprod table (fractional t interpolated linearly).
GEN_API ProcessAt vp_process(const torch::Tensor& alphas_cumprod);

// log p(y | x_t, t) per batch item, differentiable in x_t.
using LogProb = std::function<torch::Tensor(const torch::Tensor& x_t, const torch::Tensor& t)>;

class GEN_API ClassifierGuidance : public Denoiser {
 public:
  ClassifierGuidance(Denoiser& model, LogProb critic, ProcessAt process, double scale);
  // Predicts epsilon: eps - scale * s * grad_x log p(y | x_t).
  torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t, const Conditioning& cond) override;
  PredictionType prediction_type() const override { return PredictionType::epsilon; }

 private:
  Denoiser& model_;
  LogProb critic_;
  ProcessAt process_;
  double scale_;
};

struct SdsOptions {
  double t_min = 0.02;  // fraction of the training timesteps
  double t_max = 0.98;
  // w(t): "sds" = 1 - alpha_bar (the DreamFusion choice), "uniform" = 1,
  // "snr" = sqrt(alpha_bar) * (1 - alpha_bar) (emphasises mid-range noise).
  std::string weighting = "sds";
};

struct SdsResult {
  torch::Tensor gradient;  // d loss / d x0, same shape as x0 (no graph)
  torch::Tensor loss;      // scalar whose autograd gradient w.r.t. x0 equals `gradient`
  torch::Tensor timesteps; // the sampled t per batch item
};

// One SDS evaluation: sample t and noise, noise x0, ask the (frozen, usually CFG-
// wrapped) denoiser, and return w(t) (eps_pred - eps) as the gradient on x0.
// x0 may require grad; the returned loss backpropagates exactly that gradient.
GEN_API SdsResult score_distillation(Denoiser& model, const torch::Tensor& x0, const Conditioning& cond,
                                     const torch::Tensor& alphas_cumprod, const SdsOptions& options,
                                     at::Generator& generator);

}  // namespace gen
