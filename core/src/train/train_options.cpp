#include <gen/train_options.h>

#include <algorithm>

#include <gen/option_values.h>

namespace gen {

std::vector<OptionSpec> trainer_option_specs(int64_t steps, double lr, int64_t batch, double batch_min) {
  return {
      OptionSpec::integer("steps", steps, 1, 1e7, "Optimizer steps"),
      OptionSpec::number("lr", lr, 1e-7, 1.0, "Peak learning rate (AdamW)"),
      OptionSpec::number("weight_decay", 0.01, 0, 1, "AdamW weight decay"),
      OptionSpec::integer("warmup", std::min<int64_t>(500, steps / 10), 0, 1e7, "Linear warm-up steps"),
      OptionSpec::number("grad_clip", 1.0, 0, 1e6, "Gradient norm clip (0 = off)"),
      OptionSpec::number("ema", 0.999, 0, 0.99999, "EMA decay of the exported weights (0 = off)"),
      OptionSpec::integer("grad_accumulation", 1, 1, 1024, "Micro-batches per optimizer step"),
      OptionSpec::integer("checkpoint_every", 500, 0, 1e7, "Steps between resumable checkpoints (0 = end only)"),
      OptionSpec::choice("precision", {"fp32", "bf16"}, "fp32", "bf16 autocast needs bfloat16 hardware to be fast"),
      OptionSpec::integer("batch", batch, batch_min, 4096, "Examples per micro-batch"),
  };
}

TrainerConfig trainer_config_from(const TrainRequest& r, int64_t steps, double lr, const std::string& process) {
  const auto number = [&](const std::string& key, double fallback, double lo, double hi) {
    return number_option(r.options, key, fallback, lo, hi);
  };
  TrainerConfig c;
  c.steps = static_cast<int64_t>(number("steps", static_cast<double>(steps), 1, 1e7));
  c.optimizer.lr = number("lr", lr, 1e-7, 1.0);
  c.optimizer.weight_decay = number("weight_decay", 0.01, 0, 1);
  c.warmup_steps = static_cast<int64_t>(number("warmup", std::min<double>(500, c.steps / 10), 0, 1e7));
  c.min_lr_ratio = 0.1;
  c.grad_clip = number("grad_clip", 1.0, 0, 1e6);
  c.ema_decay = number("ema", 0.999, 0, 0.99999);
  c.grad_accumulation = static_cast<int>(number("grad_accumulation", 1, 1, 1024));
  c.checkpoint_every = static_cast<int64_t>(number("checkpoint_every", 500, 0, 1e7));
  c.process = process;
  const auto precision = r.options.find("precision");
  c.precision = precision == r.options.end() ? "fp32" : precision->second;
  c.output_dir = r.output;
  c.seed = static_cast<uint64_t>(r.seed);
  c.validate();
  return c;
}

std::vector<OptionSpec> timestep_bias_option_specs() {
  return {
      OptionSpec::choice("timestep_bias", {"none", "later", "earlier"}, "none",
                         "Draw some timesteps more often: later = the noisiest, where a sample's layout and motion "
                         "are decided; earlier = the least noisy (diffusers' timestep_bias_strategy)"),
      OptionSpec::number("timestep_bias_multiplier", 1.0, 0.01, 1000, "How many times more often the biased timesteps are drawn"),
      OptionSpec::number("timestep_bias_portion", 0.25, 0.001, 1, "The share of the timesteps biased"),
  };
}

void read_timestep_bias_options(const TrainRequest& r, TrainerConfig& c) {
  const auto strategy = r.options.find("timestep_bias");
  c.timestep_bias = strategy == r.options.end() ? "none" : strategy->second;
  c.timestep_bias_multiplier = number_option(r.options, "timestep_bias_multiplier", 1.0, 0.01, 1000);
  c.timestep_bias_portion = number_option(r.options, "timestep_bias_portion", 0.25, 0.001, 1);
  c.validate();
}

void load_ema_weights(const Trainer& trainer, const std::vector<std::pair<std::string, torch::Tensor>>& params) {
  if (!trainer.ema()) return;
  torch::NoGradGuard no_grad;
  const auto& ema = trainer.ema()->weights();
  for (const auto& [name, p] : params) const_cast<torch::Tensor&>(p).copy_(ema.at(name));
}

}  // namespace gen
