#include <gen/trainer.h>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn/utils/clip_grad.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <gen/atomic_file.h>
#include <gen/mixed_noise.h>
#include <gen/error.h>
#include <gen/safetensors.h>

#include "train/bfloat16_autocast.h"

namespace gen {

namespace fs = std::filesystem;

// ---- config -----------------------------------------------------------------

nlohmann::json TrainerConfig::to_json() const {
  return {{"steps", steps},
          {"grad_accumulation", grad_accumulation},
          {"learning_rate", optimizer.lr},
          {"beta1", optimizer.beta1},
          {"beta2", optimizer.beta2},
          {"adam_eps", optimizer.eps},
          {"weight_decay", optimizer.weight_decay},
          {"warmup_steps", warmup_steps},
          {"lr_schedule", lr_schedule},
          {"min_lr_ratio", min_lr_ratio},
          {"grad_clip", grad_clip},
          {"ema_decay", ema_decay},
          {"cond_dropout", cond_dropout},
          {"min_snr_gamma", min_snr_gamma},
          {"offset_noise", offset_noise},
          {"shared_noise", shared_noise},
          {"shared_noise_dim", shared_noise_dim},
          {"timestep_bias", timestep_bias},
          {"timestep_bias_multiplier", timestep_bias_multiplier},
          {"timestep_bias_portion", timestep_bias_portion},
          {"prediction_type", prediction_type_name(prediction_type)},
          {"precision", precision},
          {"process", process},
          {"checkpoint_every", checkpoint_every},
          {"seed", seed}};
}

TrainerConfig TrainerConfig::from_json(const nlohmann::json& j) {
  TrainerConfig c;
  try {
    c.steps = j.value("steps", c.steps);
    c.grad_accumulation = j.value("grad_accumulation", c.grad_accumulation);
    c.optimizer.lr = j.value("learning_rate", c.optimizer.lr);
    c.optimizer.beta1 = j.value("beta1", c.optimizer.beta1);
    c.optimizer.beta2 = j.value("beta2", c.optimizer.beta2);
    c.optimizer.eps = j.value("adam_eps", c.optimizer.eps);
    c.optimizer.weight_decay = j.value("weight_decay", c.optimizer.weight_decay);
    c.warmup_steps = j.value("warmup_steps", c.warmup_steps);
    c.lr_schedule = j.value("lr_schedule", c.lr_schedule);
    c.min_lr_ratio = j.value("min_lr_ratio", c.min_lr_ratio);
    c.grad_clip = j.value("grad_clip", c.grad_clip);
    c.ema_decay = j.value("ema_decay", c.ema_decay);
    c.cond_dropout = j.value("cond_dropout", c.cond_dropout);
    c.min_snr_gamma = j.value("min_snr_gamma", c.min_snr_gamma);
    c.offset_noise = j.value("offset_noise", c.offset_noise);
    c.shared_noise = j.value("shared_noise", c.shared_noise);
    c.shared_noise_dim = j.value("shared_noise_dim", c.shared_noise_dim);
    c.timestep_bias = j.value("timestep_bias", c.timestep_bias);
    c.timestep_bias_multiplier = j.value("timestep_bias_multiplier", c.timestep_bias_multiplier);
    c.timestep_bias_portion = j.value("timestep_bias_portion", c.timestep_bias_portion);
    c.prediction_type = parse_prediction_type(j.value("prediction_type", std::string("epsilon")));
    c.precision = j.value("precision", c.precision);
    c.process = j.value("process", c.process);
    c.checkpoint_every = j.value("checkpoint_every", c.checkpoint_every);
    c.seed = j.value("seed", c.seed);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(std::string("bad trainer config: ") + e.what());
  }
  c.validate();
  return c;
}

void TrainerConfig::validate() const {
  if (steps < 1) throw UsageError("trainer steps must be >= 1");
  if (grad_accumulation < 1) throw UsageError("grad_accumulation must be >= 1");
  if (!(optimizer.lr > 0) || !std::isfinite(optimizer.lr)) throw UsageError("learning_rate must be > 0");
  if (!(cond_dropout >= 0 && cond_dropout <= 1)) throw UsageError("cond_dropout must be in [0, 1]");
  if (!(ema_decay >= 0 && ema_decay < 1)) throw UsageError("ema_decay must be in [0, 1)");
  if (!(offset_noise >= 0 && offset_noise <= 1)) throw UsageError("offset_noise must be in [0, 1]");
  if (!(shared_noise >= 0 && shared_noise <= 100)) throw UsageError("shared_noise must be in [0, 100]");
  if (shared_noise_dim < 1) throw UsageError("shared_noise_dim must be >= 1 (dimension 0 is the batch)");
  if (precision != "fp32" && precision != "bf16") throw UsageError("precision must be fp32 or bf16, not '" + precision + "'");
  if (process != "vp" && process != "flow" && process != "custom")
    throw UsageError("process must be vp, flow or custom");
  timestep_bias_weights(1000, timestep_bias, timestep_bias_multiplier, timestep_bias_portion);  // the checks
  if (timestep_bias != "none" && process != "vp") throw UsageError("timestep_bias works on the vp process's timesteps");
}

// ---- helpers ----------------------------------------------------------------

namespace {

std::vector<int64_t> per_sample_shape(const torch::Tensor& x) {
  std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
  shape[0] = x.size(0);
  return shape;
}

// Replaces the conditioning of the samples where `drop` is true by the null one.
torch::Tensor mix(const torch::Tensor& cond, const torch::Tensor& null, const torch::Tensor& drop) {
  if (!cond.defined() || !null.defined()) return cond;
  std::vector<int64_t> shape(static_cast<size_t>(cond.dim()), 1);
  shape[0] = cond.size(0);
  return torch::where(drop.reshape(shape), null.expand_as(cond), cond);
}

Conditioning drop_conditioning(const TrainingBatch& b, const torch::Tensor& drop) {
  Conditioning c;
  c.context = mix(b.cond.context, b.null_cond.context, drop);
  c.pooled = mix(b.cond.pooled, b.null_cond.pooled, drop);
  c.concat = b.cond.concat;  // inpainting channels are data, not text: never dropped
  for (const auto& [k, v] : b.cond.extra) {
    auto it = b.null_cond.extra.find(k);
    c.extra[k] = it == b.null_cond.extra.end() ? v : mix(v, it->second, drop);
  }
  return c;
}

std::map<std::string, torch::Tensor> to_map(const std::vector<std::pair<std::string, torch::Tensor>>& named) {
  std::map<std::string, torch::Tensor> m;
  for (const auto& [k, v] : named) m[k] = v.detach().contiguous();
  return m;
}

fs::path checkpoint_file(const std::string& dir, const char* name) { return fs::path(dir) / name; }

}  // namespace

// ---- trainer ----------------------------------------------------------------

Trainer::Trainer(TrainingTask& task, TrainerConfig config, torch::Tensor alphas_cumprod)
    : task_(task),
      config_(std::move(config)),
      alphas_cumprod_(alphas_cumprod.defined() ? alphas_cumprod.to(torch::kFloat64) : alphas_cumprod),
      generator_(at::detail::createCPUGenerator(config_.seed)) {
  if (config_.process == "vp" && (!alphas_cumprod_.defined() || alphas_cumprod_.dim() != 1))
    throw UsageError("a vp trainer needs a 1-D alphas_cumprod table");
  auto params = task_.parameters();
  if (params.empty()) throw UsageError("the training task has no parameters");
  optimizer_ = std::make_unique<AdamW>(params, config_.optimizer);
  if (config_.ema_decay > 0) ema_ = std::make_unique<Ema>(params, config_.ema_decay);
}

Trainer::~Trainer() = default;

torch::Tensor TrainingTask::predict(const torch::Tensor&, const torch::Tensor&, const Conditioning&) {
  throw UsageError("this training task has no denoiser: it must override custom_loss()");
}

torch::Tensor TrainingTask::custom_loss(const TrainingBatch&, at::Generator&) { return {}; }

torch::Tensor TrainingTask::auxiliary_loss(const TrainingBatch&, const torch::Tensor&, const torch::Tensor&) {
  return {};
}

torch::Tensor Trainer::predict(const torch::Tensor& x_t, const torch::Tensor& t, const Conditioning& cond) {
  BFloat16Autocast autocast(config_.precision == "bf16");
  return task_.predict(x_t, t, cond).to(x_t.scalar_type());
}

torch::Tensor Trainer::custom_loss(const TrainingBatch& batch) {
  BFloat16Autocast autocast(config_.precision == "bf16");
  auto loss = task_.custom_loss(batch, generator_);
  return loss.defined() && loss.scalar_type() == torch::kBFloat16 ? loss.to(torch::kFloat32) : loss;
}

torch::Tensor Trainer::batch_loss(const TrainingBatch& batch) {
  if (auto loss = custom_loss(batch); loss.defined()) return loss;
  const auto& x0 = batch.x0;
  const int64_t n = x0.size(0);
  auto eps = torch::randn(x0.sizes(), generator_, x0.scalar_type());
  if (config_.offset_noise > 0 && x0.dim() > 2) {
    // Noise with a random mean per channel: the noise schedule leaves a little of the
    // image's mean in x_T, so without this the model takes an image's overall colour
    // from the starting noise rather than from the condition (Guttenberg 2023).
    std::vector<int64_t> shape(x0.dim(), 1);
    shape[0] = n;
    shape[1] = x0.size(1);
    eps = eps + config_.offset_noise * torch::randn(shape, generator_, x0.scalar_type());
  }
  if (config_.shared_noise > 0) {
    const auto shape = shared_noise_shape(x0.sizes(), config_.shared_noise_dim);
    eps = mix_shared_noise(eps, torch::randn(shape, generator_, x0.scalar_type()), config_.shared_noise);
  }
  torch::Tensor a, s, t;
  if (config_.process == "vp") {
    // Uniform draws stay randint's, so runs without a bias keep their exact random stream.
    auto idx = config_.timestep_bias == "none"
                   ? torch::randint(0, alphas_cumprod_.size(0), {n}, generator_, torch::kLong)
                   : torch::multinomial(timestep_bias_weights(alphas_cumprod_.size(0), config_.timestep_bias,
                                                              config_.timestep_bias_multiplier,
                                                              config_.timestep_bias_portion),
                                        n, true, generator_);
    auto abar = alphas_cumprod_.index({idx});
    a = abar.sqrt().to(x0.scalar_type()).reshape(per_sample_shape(x0));
    s = (1 - abar).sqrt().to(x0.scalar_type()).reshape(per_sample_shape(x0));
    t = idx.to(torch::kFloat32);
  } else {
    auto sigma = torch::rand({n}, generator_, x0.scalar_type());
    a = (1 - sigma).reshape(per_sample_shape(x0));
    s = sigma.reshape(per_sample_shape(x0));
    t = sigma * 1000.0;
  }
  auto drop = torch::rand({n}, generator_, torch::kFloat32) < config_.cond_dropout;
  auto cond = config_.cond_dropout > 0 ? drop_conditioning(batch, drop) : batch.cond;
  auto x_t = a * x0 + s * eps;
  auto prediction = predict(x_t, t, cond);
  auto target = training_target(config_.prediction_type, x0, eps, a, s);
  std::vector<int64_t> dims;
  for (int64_t d = 1; d < x0.dim(); ++d) dims.push_back(d);
  auto squared = (prediction - target).pow(2);
  torch::Tensor per_sample;
  if (batch.weight.defined()) {
    auto w = batch.weight.to(squared.scalar_type()).expand_as(squared);
    per_sample = (squared * w).sum(dims) / w.sum(dims).clamp_min(1e-8);
  } else {
    per_sample = squared.mean(dims);
  }
  auto snr = (a * a / (s * s).clamp_min(1e-20)).reshape({n});
  auto loss = (per_sample * min_snr_weight(config_.prediction_type, snr, config_.min_snr_gamma)).mean();
  auto extra = task_.auxiliary_loss(batch, prediction_to_x0(config_.prediction_type, prediction, x_t, a, s), t);
  return extra.defined() ? loss + extra : loss;
}

double Trainer::train_step() {
  auto params = task_.parameters();
  optimizer_->zero_grad();
  double total = 0;
  for (int i = 0; i < config_.grad_accumulation; ++i) {
    auto batch = task_.next_batch(step_, generator_);
    auto loss = batch_loss(batch) / config_.grad_accumulation;
    const double value = loss.item<double>();
    if (!std::isfinite(value))
      throw NumericError("training loss is NaN or Inf at step " + std::to_string(step_ + 1) +
                         "; lower the learning rate or check the data");
    loss.backward();
    total += value;
    samples_ += batch.x0.size(0);
  }
  if (config_.grad_clip > 0) {
    std::vector<torch::Tensor> tensors;
    for (auto& [name, p] : params) tensors.push_back(p);
    torch::nn::utils::clip_grad_norm_(tensors, config_.grad_clip);
  }
  optimizer_->step(learning_rate_at(step_, config_.steps, config_.warmup_steps, config_.optimizer.lr,
                                    config_.lr_schedule, config_.min_lr_ratio));
  if (ema_) ema_->update(params);
  ++step_;
  return total;
}

void Trainer::save_checkpoint() const {
  if (config_.output_dir.empty()) return;
  fs::create_directories(config_.output_dir);
  const std::map<std::string, std::string> meta{{"step", std::to_string(step_)}};
  save_safetensors(checkpoint_file(config_.output_dir, "model.safetensors"), to_map(task_.parameters()), meta);
  if (ema_) save_safetensors(checkpoint_file(config_.output_dir, "ema.safetensors"), ema_->weights(), meta);
  auto state = optimizer_->state();
  state["rng_state"] = generator_.get_state();
  state["ema_updates"] = torch::tensor({ema_ ? ema_->updates() : 0}, torch::kLong);
  state["samples"] = torch::tensor({samples_}, torch::kLong);
  save_safetensors(checkpoint_file(config_.output_dir, "trainer_state.safetensors"), state, meta);
  // Written last: a checkpoint counts only once trainer.json names its step.
  nlohmann::json j{{"step", step_}, {"config", config_.to_json()}};
  write_file_atomic(checkpoint_file(config_.output_dir, "trainer.json"), j.dump(2) + "\n");
}

bool Trainer::resume() {
  if (config_.output_dir.empty()) return false;
  const auto json_path = checkpoint_file(config_.output_dir, "trainer.json");
  if (!fs::exists(json_path)) return false;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(std::ifstream(json_path));
  } catch (const std::exception& e) {
    throw InputError("cannot read " + json_path.string() + ": " + e.what());
  }
  const int64_t step = j.value("step", int64_t{-1});
  auto model = load_safetensors(checkpoint_file(config_.output_dir, "model.safetensors"));
  auto state = load_safetensors(checkpoint_file(config_.output_dir, "trainer_state.safetensors"));
  if (state.at("step").item<int64_t>() != step)
    throw InputError("checkpoint in " + config_.output_dir + " is inconsistent (trainer.json says step " +
                     std::to_string(step) + ")");
  {
    torch::NoGradGuard no_grad;
    for (auto& [name, p] : task_.parameters()) {
      auto it = model.find(name);
      if (it == model.end()) throw ModelError("checkpoint has no parameter '" + name + "'");
      if (it->second.sizes() != p.sizes()) throw ModelError("checkpoint parameter '" + name + "' has the wrong shape");
      p.copy_(it->second);
    }
  }
  optimizer_->load_state(state);
  if (ema_) {
    ema_->load(load_safetensors(checkpoint_file(config_.output_dir, "ema.safetensors")));
    ema_->set_updates(state.at("ema_updates").item<int64_t>());
  }
  generator_.set_state(state.at("rng_state"));
  samples_ = state.at("samples").item<int64_t>();
  step_ = step;
  return true;
}

void Trainer::run(const ProgressCallback& progress) {
  if (config_.precision == "bf16" && !cpu_has_bfloat16())
    spdlog::warn("precision=bf16 on a CPU without AMX-BF16 or AVX512-BF16: LibTorch emulates bfloat16, so "
                 "training will be many times slower than with precision=fp32 (14x on an AVX2 EPYC)");
  resume();
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t first = step_;
  double smoothed = -1;
  while (step_ < config_.steps) {
    const double loss = train_step();
    smoothed = smoothed < 0 ? loss : 0.98 * smoothed + 0.02 * loss;
    if (config_.checkpoint_every > 0 && step_ % config_.checkpoint_every == 0) save_checkpoint();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    char msg[128];
    std::snprintf(msg, sizeof msg, "loss %.4f lr %.2e", smoothed,
                  learning_rate_at(step_ - 1, config_.steps, config_.warmup_steps, config_.optimizer.lr,
                                   config_.lr_schedule, config_.min_lr_ratio));
    if (progress && progress({"training", step_ - first, config_.steps - first, elapsed, msg}) ==
                        ProgressAction::stop) {
      save_checkpoint();
      throw Cancelled("training stopped at step " + std::to_string(step_) + "; run again to resume");
    }
  }
  save_checkpoint();
}

}  // namespace gen
