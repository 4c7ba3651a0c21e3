// A Stable Diffusion checkpoint on disk, opened cheaply: the path is checked and the
// configs are read (from config.json files, or from a single file's tensor shapes),
// but weights are loaded part by part on request, so low_memory runs can hold only
// the part they need (text encoder, then UNet, then VAE).
#pragma once
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include <gen/export.h>
#include <gen/nn/autoencoder_kl.h>
#include <gen/nn/clip_text_model.h>
#include <gen/nn/unet2d_condition.h>
#include <gen/schedule.h>

namespace gen::nn {

// True for what the SD loaders take: a folder with model_index.json, or a path ending in
// .safetensors or .ckpt (the latter only to refuse it with a clear message).
GEN_API bool looks_like_sd_checkpoint(const std::string& model);

class GEN_API StableDiffusionCheckpoint {
 public:
  // Throws gen::ModelError for a missing path or a .ckpt, gen::InputError for
  // malformed configs or headers.
  explicit StableDiffusionCheckpoint(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return path_; }
  bool single_file() const { return single_file_; }
  std::string name() const;  // folder name or file stem, for the "Model:" field
  const UNet2DConditionConfig& unet_config() const { return unet_config_; }
  const AutoencoderKLConfig& vae_config() const { return vae_config_; }
  int sd_version() const { return sd_version_; }
  int64_t vae_factor() const { return vae_config_.downsample_factor(); }
  int64_t latent_channels() const { return vae_config_.latent_channels; }
  // A 9-channel UNet: x_t + mask + masked-image latents.
  bool inpainting() const { return unet_config_.in_channels == 2 * latent_channels() + 1; }

  // scheduler/scheduler_config.json of a folder; null for a single file.
  const nlohmann::json& scheduler_config() const { return scheduler_config_; }
  // Where the CLIP tokenizer is: `override_dir` if given, else tokenizer/ inside a folder
  // or beside a single file. Throws gen::ModelError saying where to put it.
  std::filesystem::path tokenizer_dir(const std::string& override_dir) const;
  // The noise schedule the UNet was trained with: the folder's scheduler config, or
  // SD's for a single file. Throws gen::ModelError for a config the core cannot honour.
  SchedulerConfig training_schedule() const;

  ClipTextModel load_text_encoder() const;
  UNet2DConditionModel load_unet() const;
  AutoencoderKL load_vae() const;

 private:
  std::filesystem::path path_;
  bool single_file_ = false;
  UNet2DConditionConfig unet_config_;
  AutoencoderKLConfig vae_config_;
  int sd_version_ = 1;
  nlohmann::json scheduler_config_;
};

}  // namespace gen::nn
