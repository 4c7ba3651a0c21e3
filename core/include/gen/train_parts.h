// The pieces of the generic trainer, each small and testable on its own: the
// diffusion loss for every prediction type with min-SNR weighting, AdamW with its
// state in plain named tensors (so checkpoints are safetensors), EMA weights and the
// warmup + cosine learning-rate schedule.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <torch/types.h>

#include <gen/denoiser.h>
#include <gen/export.h>

namespace gen {

// The regression target of a network trained with `type`, for x_t = a x0 + s eps
// (flow: a = 1 - sigma, s = sigma).
GEN_API torch::Tensor training_target(PredictionType type, const torch::Tensor& x0, const torch::Tensor& eps,
                                      const torch::Tensor& a, const torch::Tensor& s);

// Per-sample min-SNR-gamma weights (Hang et al. 2023); gamma <= 0 gives 1 everywhere.
// snr = a^2 / s^2; epsilon: min(snr, g) / snr; v: min(snr, g) / (snr + 1); sample: min(snr, g).
GEN_API torch::Tensor min_snr_weight(PredictionType type, const torch::Tensor& snr, double gamma);

// The sampling weights of the discrete training timesteps 0..count-1 (diffusers'
// timestep_bias_strategy): "none" uniform; "later" the last `portion` of them (the noisiest)
// weighted `multiplier` times the rest; "earlier" the first `portion`. A gen::UsageError
// for another strategy, a multiplier <= 0 or a portion outside (0, 1].
GEN_API torch::Tensor timestep_bias_weights(int64_t count, const std::string& strategy, double multiplier,
                                            double portion);

// AdamW (Loshchilov & Hutter) with decoupled weight decay, as torch.optim.AdamW.
class GEN_API AdamW {
 public:
  struct Options {
    double lr = 1e-4, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 1e-2;
  };
  AdamW(std::vector<std::pair<std::string, torch::Tensor>> named_params, Options options);
  void step(double lr);  // uses each parameter's .grad()
  void zero_grad();
  int64_t steps() const { return steps_; }
  // "<name>.exp_avg", "<name>.exp_avg_sq" and "step" (as a 1-element int64 tensor).
  std::map<std::string, torch::Tensor> state() const;
  void load_state(const std::map<std::string, torch::Tensor>& state);  // throws ModelError on a mismatch

 private:
  std::vector<std::pair<std::string, torch::Tensor>> params_;
  std::vector<torch::Tensor> exp_avg_, exp_avg_sq_;
  Options options_;
  int64_t steps_ = 0;
};

// Exponential moving average of parameters; decay warms up as min(decay, (1+n)/(10+n)).
class GEN_API Ema {
 public:
  Ema(const std::vector<std::pair<std::string, torch::Tensor>>& named_params, double decay);
  void update(const std::vector<std::pair<std::string, torch::Tensor>>& named_params);
  const std::map<std::string, torch::Tensor>& weights() const { return shadow_; }
  void load(const std::map<std::string, torch::Tensor>& weights);
  int64_t updates() const { return updates_; }
  void set_updates(int64_t n) { updates_ = n; }

 private:
  std::map<std::string, torch::Tensor> shadow_;
  double decay_;
  int64_t updates_ = 0;
};

// Linear warmup to base_lr, then cosine decay to base_lr * min_ratio at total_steps
// ("cosine"), or flat after warmup ("constant").
GEN_API double learning_rate_at(int64_t step, int64_t total_steps, int64_t warmup_steps, double base_lr,
                                const std::string& schedule, double min_ratio = 0.0);

// CLIP's symmetric InfoNCE over a batch of paired embeddings: `logits` [B, B] holds the
// scaled similarities of item i of one side to item j of the other, the pairs are the
// diagonal; the mean of the row-wise and column-wise cross-entropies.
GEN_API torch::Tensor clip_contrastive_loss(const torch::Tensor& logits);

}  // namespace gen
