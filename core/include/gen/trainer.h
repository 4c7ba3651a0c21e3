// One training loop for every plugin: noise and timestep sampling, the loss of the
// network's prediction type with min-SNR weighting, condition dropout for CFG, EMA,
// AdamW with warmup and cosine decay, gradient accumulation and clipping,
// checkpoints in safetensors + JSON and exact resume. A plugin supplies only a
// TrainingTask: its parameters, its batches and its network's forward pass.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <torch/types.h>

#include <gen/denoiser.h>
#include <gen/export.h>
#include <gen/progress.h>
#include <gen/train_parts.h>

namespace gen {

struct GEN_API TrainerConfig {
  int64_t steps = 1000;            // optimizer steps
  int grad_accumulation = 1;       // batches per optimizer step
  AdamW::Options optimizer;
  int64_t warmup_steps = 0;
  std::string lr_schedule = "cosine";
  double min_lr_ratio = 0.0;
  double grad_clip = 1.0;          // max global grad norm; <= 0 disables
  double ema_decay = 0.999;        // 0 disables EMA
  double cond_dropout = 0.1;       // probability of training a sample unconditioned (for CFG)
  double min_snr_gamma = 0.0;      // 0 disables min-SNR weighting; 5 is the paper's choice
  double offset_noise = 0.0;       // adds offset * N(0, 1) per sample and channel to the noise
  double shared_noise = 0.0;       // PYoCo's mixed noise prior: alpha (gen/mixed_noise.h); 0 = off
  int64_t shared_noise_dim = 2;    // the dimension the shared part is constant along (video: frames)
  // Which timesteps are drawn more often (vp only; timestep_bias_weights in train_parts.h):
  // "later" spends the steps where a sample's layout is decided, "none" draws uniformly.
  std::string timestep_bias = "none";
  double timestep_bias_multiplier = 1.0;
  double timestep_bias_portion = 0.25;
  PredictionType prediction_type = PredictionType::epsilon;
  std::string precision = "fp32";  // "bf16": the network's forward and backward in bfloat16
                                   // autocast (1.1-1.5x faster with AMX); weights and loss stay fp32
  std::string process = "vp";      // "vp" (alphas_cumprod), "flow" (x_t = (1-s) x0 + s eps) or
                                   // "custom" (the task's own custom_loss, no noise process)
  int64_t checkpoint_every = 0;    // steps; 0 = only at the end (and on cancel)
  std::string output_dir;          // checkpoints go here; empty = none
  uint64_t seed = 0;

  nlohmann::json to_json() const;
  static TrainerConfig from_json(const nlohmann::json& j);  // throws UsageError on bad values
  void validate() const;                                     // throws UsageError on bad values
};

struct TrainingBatch {
  torch::Tensor x0;            // [B, ...] clean data in diffusion space
  Conditioning cond;           // per-sample conditioning (may be empty)
  Conditioning null_cond;      // the "no condition" conditioning (batch 1 or B)
  // Optional per-element loss weights broadcastable to x0 (0 on padding frames of
  // variable-length data); the diffusion loss is then a weighted mean per sample.
  torch::Tensor weight;
};

class GEN_API TrainingTask {
 public:
  virtual ~TrainingTask() = default;
  // The trainable parameters with their checkpoint names.
  virtual std::vector<std::pair<std::string, torch::Tensor>> parameters() = 0;
  // The batch for a step; all randomness must come from `generator` (exact resume).
  virtual TrainingBatch next_batch(int64_t step, at::Generator& generator) = 0;
  // The network's raw output for x_t at timesteps t (float, training units).
  virtual torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t, const Conditioning& cond);
  // Networks that are not denoisers (autoencoders, contrastive text/image encoders)
  // return their own scalar loss for a batch and get the same optimizer, EMA,
  // checkpoints and exact resume; an undefined tensor means "the diffusion loss".
  virtual torch::Tensor custom_loss(const TrainingBatch& batch, at::Generator& generator);
  // Extra loss terms on the network's clean-data estimate, added to the diffusion loss
  // (MDM's joint position, velocity and foot-contact losses); `t` is the timestep of
  // each sample. An undefined tensor (the default) adds nothing.
  virtual torch::Tensor auxiliary_loss(const TrainingBatch& batch, const torch::Tensor& x0_estimate,
                                       const torch::Tensor& t);
};

class GEN_API Trainer {
 public:
  // alphas_cumprod: the VP training schedule (ignored for process "flow").
  Trainer(TrainingTask& task, TrainerConfig config, torch::Tensor alphas_cumprod);
  ~Trainer();

  // Trains until config.steps, resuming from output_dir when it holds a checkpoint.
  // Reports progress (loss, lr, samples/s); on "stop" it saves a checkpoint and throws Cancelled.
  void run(const ProgressCallback& progress);
  // One optimizer step; returns the mean loss over its accumulated batches.
  double train_step();
  // Loads the checkpoint in output_dir; false when there is none.
  bool resume();
  void save_checkpoint() const;

  int64_t step() const { return step_; }
  const Ema* ema() const { return ema_.get(); }

 private:
  torch::Tensor batch_loss(const TrainingBatch& batch);
  torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t, const Conditioning& cond);
  torch::Tensor custom_loss(const TrainingBatch& batch);
  TrainingTask& task_;
  TrainerConfig config_;
  torch::Tensor alphas_cumprod_;
  at::Generator generator_;
  std::unique_ptr<AdamW> optimizer_;
  std::unique_ptr<Ema> ema_;
  int64_t step_ = 0;
  int64_t samples_ = 0;
};

}  // namespace gen
