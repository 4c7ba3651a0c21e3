#include "train_default_model.h"

#include <map>
#include <optional>
#include <sstream>

#include <spdlog/spdlog.h>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/json_file.h>
#include <gen/option_values.h>
#include <gen/nn/clip_vocabulary.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/schedule.h>
#include <gen/train_options.h>

#include "train_tasks.h"

namespace image_ldm {
namespace {

namespace fs = std::filesystem;

std::string option(const gen::TrainRequest& r, const std::string& key, const std::string& fallback = "") {
  auto it = r.options.find(key);
  return it == r.options.end() ? fallback : it->second;
}

double number(const gen::TrainRequest& r, const std::string& key, double fallback, double lo, double hi) {
  return gen::number_option(r.options, key, fallback, lo, hi);
}

fs::path required_dir(const gen::TrainRequest& r, const std::string& key, const std::string& what) {
  auto v = option(r, key);
  if (v.empty()) throw gen::UsageError("training needs -O " + key + "=DIR (" + what + ")");
  if (!fs::is_directory(v)) throw gen::InputError(key + ": " + v + " is not a directory");
  return v;
}

// -O channels=A,B,C: the widths of a network's three levels, each a multiple of
// `multiple` (the group-norm groups, and for the UNet also its attention heads).
std::vector<int64_t> level_widths(const gen::TrainRequest& r, const std::string& fallback, int64_t multiple) {
  const auto text = option(r, "channels", fallback);
  std::vector<int64_t> widths;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    widths.push_back(gen::parse_integer("channels", item, multiple, 1024));
  if (widths.size() != 3) throw gen::UsageError("channels: three comma-separated widths, e.g. " + fallback);
  for (auto w : widths)
    if (w % multiple != 0)
      throw gen::UsageError("channels: every width must be a multiple of " + std::to_string(multiple));
  return widths;
}

void train_vae(const gen::TrainRequest& r, const gen::ProgressCallback& progress) {
  auto data = ShapesData::load(required_dir(r, "data", "a `gen data image` folder"));
  VaeLossWeights weights;
  weights.kl = number(r, "kl_weight", weights.kl, 0, 1);
  weights.edge = number(r, "edge_weight", weights.edge, 0, 100);
  weights.foreground = number(r, "foreground_weight", weights.foreground, 0, 100);
  auto config = default_vae_config(level_widths(r, "32,64,64", 8));
  VaeTask task(data, static_cast<int64_t>(number(r, "batch", 16, 1, 4096)), weights, config);
  gen::Trainer trainer(task, gen::trainer_config_from(r, 3000, 1e-3, "custom"), {});
  trainer.run(progress);
  gen::load_ema_weights(trainer, task.parameters());
  // Latents are scaled to unit variance for the UNet, as SD's 0.18215 does.
  torch::NoGradGuard no_grad;
  task.vae->eval();
  auto sample = data.images(torch::arange(std::min<int64_t>(1024, data.size()), torch::kLong));
  const double std = task.vae->encode(sample).mean.std().item<double>();
  config["scaling_factor"] = 1.0 / std;
  gen::nn::save_diffusers_part(fs::path(r.output) / "vae", config, *task.vae, "diffusion_pytorch_model.safetensors");
  spdlog::info("vae: latent std {:.4f}, scaling_factor {:.4f}", std, 1.0 / std);
}

void train_clip(const gen::TrainRequest& r, const gen::ProgressCallback& progress) {
  auto data = ShapesData::load(required_dir(r, "data", "a `gen data image` folder"));
  const auto tokenizer_dir = fs::path(r.output) / "tokenizer";
  const int64_t vocab = gen::nn::write_clip_vocabulary(tokenizer_dir, caption_words());
  ClipTask task(data, gen::nn::ClipTokenizer::from_folder(tokenizer_dir), vocab,
                static_cast<int64_t>(number(r, "batch", 64, 2, 4096)));
  gen::Trainer trainer(task, gen::trainer_config_from(r, 4000, 5e-4, "custom"), {});
  trainer.run(progress);
  gen::load_ema_weights(trainer, task.parameters());
  gen::nn::save_diffusers_part(fs::path(r.output) / "text_encoder", default_text_config(vocab), *task.text, "model.safetensors");
  torch::nn::Module vision;
  vision.register_module("vision_model", task.vision.ptr());
  vision.register_module("text_projection", task.text_projection.ptr());
  vision.register_parameter("logit_scale", task.logit_scale.detach().clone());
  gen::nn::save_diffusers_part(fs::path(r.output) / "clip_vision", {{"embed_dim", kClipEmbedDim}, {"image_size", data.image_size()}},
             vision, "model.safetensors");
}

// -O init=DIR: start from the weights of a trained unet/ folder (fine-tuning) instead of
// a random initialisation. Checked before the latents are encoded.
std::optional<gen::nn::UNet2DConditionModel> initial_unet(const gen::TrainRequest& r, nlohmann::json expected) {
  if (option(r, "init").empty()) return std::nullopt;
  const auto dir = required_dir(r, "init", "the unet/ folder of a trained UNet");
  gen::nn::UNet2DConditionModel unet{nullptr};
  try {
    unet = gen::nn::load_diffusers_unet(dir);
  } catch (const std::exception& e) {
    throw gen::InputError("init: " + dir.string() + ": " + e.what());
  }
  expected["sample_size"] = unet->config().sample_size;
  const auto shapes = [](torch::nn::Module& m) {
    std::map<std::string, std::vector<int64_t>> out;
    for (const auto& p : m.named_parameters()) out[p.key()] = p.value().sizes().vec();
    return out;
  };
  gen::nn::UNet2DConditionModel fresh(gen::nn::UNet2DConditionConfig::from_json(expected));
  if (shapes(*fresh) != shapes(*unet))
    throw gen::InputError("init: " + option(r, "init") + " is not a UNet of this architecture (its -O channels must match)");
  return unet;
}

// Names and shapes match: initial_unet checked them.
void copy_weights(torch::nn::Module& from, torch::nn::Module& to) {
  torch::NoGradGuard no_grad;
  auto source = from.named_parameters();
  for (auto& p : to.named_parameters()) p.value().copy_(source[p.key()]);
}

void train_unet(const gen::TrainRequest& r, const gen::ProgressCallback& progress) {
  auto data = ShapesData::load(required_dir(r, "data", "a `gen data image` folder"));
  auto vae = gen::nn::load_diffusers_vae(required_dir(r, "vae", "the vae/ folder of a trained VAE run"));
  auto text = gen::nn::load_diffusers_text_encoder(required_dir(r, "text_encoder", "text_encoder/ of a CLIP run"));
  auto tokenizer = gen::nn::ClipTokenizer::from_folder(required_dir(r, "tokenizer", "tokenizer/ of a CLIP run"));
  const auto scheduler_config = default_scheduler_config(option(r, "beta_schedule", "scaled_linear"));
  nlohmann::json unet_config = default_unet_config(text->config().hidden_size, level_widths(r, "64,128,128", 16));
  auto init = initial_unet(r, unet_config);
  // Every option is checked before the minutes of latent encoding.
  auto config = gen::trainer_config_from(r, 3000, 5e-4, "vp");
  config.cond_dropout = number(r, "cond_dropout", 0.1, 0, 1);
  config.min_snr_gamma = number(r, "min_snr_gamma", 5.0, 0, 1e3);
  config.offset_noise = number(r, "offset_noise", 0.0, 0, 1);
  UnetTask task(data, vae, text, tokenizer, unet_config, static_cast<int64_t>(number(r, "batch", 48, 1, 4096)),
                progress);
  if (init) copy_weights(**init, *task.unet);
  auto schedule = gen::SchedulerConfig::from_json(scheduler_config);
  auto abar = gen::make_alphas_cumprod(schedule);
  gen::Trainer trainer(task, config, torch::tensor(abar));
  trainer.run(progress);
  gen::load_ema_weights(trainer, task.parameters());
  // The run directory becomes a complete diffusers folder: the trained UNet, the
  // schedule it was trained with, and the frozen parts it was trained against.
  const fs::path out(r.output);
  unet_config["sample_size"] = task.unet->config().sample_size;
  gen::nn::save_diffusers_part(out / "unet", unet_config, *task.unet, "diffusion_pytorch_model.safetensors");
  fs::create_directories(out / "scheduler");
  gen::write_file_atomic(out / "scheduler" / "scheduler_config.json", scheduler_config.dump(2) + "\n");
  const auto copy = fs::copy_options::recursive | fs::copy_options::overwrite_existing;
  fs::copy(option(r, "vae"), out / "vae", copy);
  fs::copy(option(r, "text_encoder"), out / "text_encoder", copy);
  fs::copy(option(r, "tokenizer"), out / "tokenizer", copy);
  nlohmann::json index = {{"_class_name", "StableDiffusionPipeline"}, {"_diffusers_version", "0.29.2"},
                          {"scheduler", {"diffusers", "DPMSolverMultistepScheduler"}},
                          {"text_encoder", {"transformers", "CLIPTextModel"}},
                          {"tokenizer", {"transformers", "CLIPTokenizer"}},
                          {"unet", {"diffusers", "UNet2DConditionModel"}},
                          {"vae", {"diffusers", "AutoencoderKL"}}};
  gen::write_file_atomic(out / "model_index.json", index.dump(2) + "\n");
}

}  // namespace

void train_default_model(const gen::TrainRequest& r, const gen::ProgressCallback& progress) {
  if (r.output.empty()) throw gen::UsageError("training needs an output directory (-o DIR)");
  if (r.model == "vae") return train_vae(r, progress);
  if (r.model == "clip") return train_clip(r, progress);
  if (r.model == "unet") return train_unet(r, progress);
  throw gen::UsageError("image_ldm trains -m vae, clip or unet (the parts of the default model), not '" + r.model +
                        "'");
}

}  // namespace image_ldm
