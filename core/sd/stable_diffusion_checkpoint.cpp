#include <gen/nn/stable_diffusion_checkpoint.h>

#include <spdlog/spdlog.h>

#include <gen/error.h>
#include <gen/json_file.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/safetensors.h>

namespace gen::nn {
namespace fs = std::filesystem;

bool looks_like_sd_checkpoint(const std::string& model) {
  const auto extension = fs::path(model).extension();
  if (extension == ".safetensors" || extension == ".ckpt") return true;
  std::error_code ec;
  return fs::is_directory(model, ec) && fs::exists(fs::path(model) / "model_index.json", ec);
}

StableDiffusionCheckpoint::StableDiffusionCheckpoint(const fs::path& path) : path_(path) {
  if (path.extension() == ".ckpt")
    throw ModelError(path.string() + ": .ckpt files are Python pickles, which gen does not load (unpickling can "
                          "run code); convert it to .safetensors first");
  std::error_code ec;
  if (!fs::exists(path, ec)) throw ModelError("model not found: " + path.string());
  single_file_ = !fs::is_directory(path, ec);
  if (single_file_) {
    const auto f = SafeTensorsFile::open(path);
    unet_config_ = detect_single_file_unet(f);
    vae_config_ = detect_single_file_vae(f);
  } else {
    unet_config_ = UNet2DConditionConfig::from_json_file(path / "unet" / "config.json");
    vae_config_ = AutoencoderKLConfig::from_json_file(path / "vae" / "config.json");
    const auto scheduler = path / "scheduler" / "scheduler_config.json";
    if (fs::exists(scheduler, ec)) scheduler_config_ = read_json_file(scheduler, "scheduler config");
  }
  sd_version_ = detect_sd_version(unet_config_);
  if (unet_config_.out_channels != latent_channels())
    throw ModelError(path.string() + ": the UNet predicts " + std::to_string(unet_config_.out_channels) +
                          " channels but the VAE's latents have " + std::to_string(latent_channels()));
  if (unet_config_.in_channels != latent_channels() && !inpainting())
    throw ModelError(path.string() + ": the UNet takes " + std::to_string(unet_config_.in_channels) +
                          " input channels; supported are " + std::to_string(latent_channels()) + " (ordinary) and " +
                          std::to_string(2 * latent_channels() + 1) + " (inpainting)");
}

std::string StableDiffusionCheckpoint::name() const {
  auto p = path_;
  if (p.filename().empty()) p = p.parent_path();  // "dir/" names the folder
  return single_file_ ? p.stem().string() : p.filename().string();
}

fs::path StableDiffusionCheckpoint::tokenizer_dir(const std::string& override_dir) const {
  if (!override_dir.empty()) return override_dir;  // ClipTokenizer names the missing file
  const auto dir = (single_file_ ? path_.parent_path() : path_) / "tokenizer";
  std::error_code ec;
  if (fs::is_regular_file(dir / "vocab.json", ec) && fs::is_regular_file(dir / "merges.txt", ec)) return dir;
  throw ModelError(path_.string() + " has no CLIP tokenizer: put its vocab.json and merges.txt in " +
                        (dir / "").string() + (single_file_ ? " (beside the checkpoint)" : "") +
                        " or pass -O tokenizer=DIR");
}

SchedulerConfig StableDiffusionCheckpoint::training_schedule() const {
  if (scheduler_config_.is_null()) return SchedulerConfig::stable_diffusion();
  try {
    return SchedulerConfig::from_json(scheduler_config_);
  } catch (const UsageError& e) {
    // The checkpoint's scheduler config is the model's problem, not the command line's.
    throw ModelError((path_ / "scheduler" / "scheduler_config.json").string() + ": " + e.what());
  }
}

ClipTextModel StableDiffusionCheckpoint::load_text_encoder() const {
  spdlog::debug("loading the text encoder of {}", path_.string());
  if (!single_file_) return load_diffusers_text_encoder(path_ / "text_encoder");
  return load_single_file_text_encoder(SafeTensorsFile::open(path_));
}

UNet2DConditionModel StableDiffusionCheckpoint::load_unet() const {
  spdlog::debug("loading the UNet of {}", path_.string());
  if (!single_file_) return load_diffusers_unet(path_ / "unet");
  return load_single_file_unet(SafeTensorsFile::open(path_), unet_config_);
}

AutoencoderKL StableDiffusionCheckpoint::load_vae() const {
  spdlog::debug("loading the VAE of {}", path_.string());
  if (!single_file_) return load_diffusers_vae(path_ / "vae");
  return load_single_file_vae(SafeTensorsFile::open(path_), vae_config_);
}

}  // namespace gen::nn
