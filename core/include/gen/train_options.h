// The trainer's settings as -O options: one declaration and one reader for every
// plugin's training stages, so `gen train X --help` and validation agree everywhere.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

#include <gen/export.h>
#include <gen/options.h>
#include <gen/request.h>
#include <gen/trainer.h>

namespace gen {

// steps, lr, weight_decay, warmup, grad_clip, ema, grad_accumulation, checkpoint_every,
// precision and batch, with a stage's own defaults.
GEN_API std::vector<OptionSpec> trainer_option_specs(int64_t steps, double lr, int64_t batch, double batch_min = 1);

// The TrainerConfig those options give (the host has validated them); output_dir and
// seed come from the request. Cosine decay to 10% of the peak rate.
GEN_API TrainerConfig trainer_config_from(const TrainRequest& request, int64_t steps, double lr,
                                          const std::string& process);

// timestep_bias, timestep_bias_multiplier, timestep_bias_portion (diffusers' names and
// defaults), for stages on the vp process; and the reader that puts them in a config.
GEN_API std::vector<OptionSpec> timestep_bias_option_specs();
GEN_API void read_timestep_bias_options(const TrainRequest& request, TrainerConfig& config);

// Copies the trainer's EMA weights (what is shipped) into `params`; nothing without EMA.
GEN_API void load_ema_weights(const Trainer& trainer, const std::vector<std::pair<std::string, torch::Tensor>>& params);

}  // namespace gen
