// Stable Diffusion 1.x / 2.x checkpoints -> ready-to-run float32 modules.
//  * a diffusers folder: model_index.json, unet/, vae/, text_encoder/ (config.json +
//    *.safetensors; the .fp16 variants are accepted), tokenizer/, scheduler/;
//  * a single original-layout .safetensors file (model.diffusion_model.*,
//    first_stage_model.*, cond_stage_model.*), architecture inferred from shapes.
// F16/BF16 storage is converted to float32. Buffers such as position_ids are ignored.
#pragma once
#include <filesystem>
#include <optional>

#include <nlohmann/json_fwd.hpp>

#include <gen/export.h>
#include <gen/nn/autoencoder_kl.h>
#include <gen/nn/clip_text_model.h>
#include <gen/nn/unet2d_condition.h>

namespace gen {
class SafeTensorsFile;
}

namespace gen::nn {

struct StableDiffusionModels {
  int sd_version = 1;  // 1 or 2 (2: 1024-wide OpenCLIP context)
  UNet2DConditionConfig unet_config;
  UNet2DConditionModel unet{nullptr};
  AutoencoderKLConfig vae_config;
  AutoencoderKL vae{nullptr};
  ClipTextConfig text_config;
  ClipTextModel text_encoder{nullptr};
  // Diffusers folders only (empty otherwise): for the tokenizer and the sampler setup.
  std::filesystem::path tokenizer_dir;
  std::filesystem::path scheduler_config;
};

struct SingleFileOptions {
  // Overrides for what shapes cannot tell (head counts, norm groups, activation...).
  std::optional<UNet2DConditionConfig> unet_config;
  std::optional<AutoencoderKLConfig> vae_config;
  std::optional<ClipTextConfig> text_config;
  // What detection assumes where no config is given (norm groups, head counts).
  UNetDetectHints unet_hints;
  int64_t vae_norm_num_groups = 32;
  bool strict = true;  // unexpected keys under a part's prefix are errors
};

// The three parts of a diffusers folder, each from <dir>/config.json + weights. The UNet
// and the VAE also load from their weights file alone (diffusers names): with the file's
// sibling config.json when there is one, else with the architecture its shapes imply
// (`hints` / `norm_num_groups` for what shapes cannot tell; a VAE's scaling_factor then
// stays 0.18215). An original-layout file is refused (use load_single_file).
GEN_API UNet2DConditionModel load_diffusers_unet(const std::filesystem::path& path, bool strict = true,
                                                 const UNetDetectHints& hints = {});
GEN_API AutoencoderKL load_diffusers_vae(const std::filesystem::path& path, bool strict = true,
                                         int64_t norm_num_groups = 32);
GEN_API ClipTextModel load_diffusers_text_encoder(const std::filesystem::path& dir, bool strict = true);

GEN_API StableDiffusionModels load_diffusers_folder(const std::filesystem::path& dir, bool strict = true);
GEN_API StableDiffusionModels load_single_file(const std::filesystem::path& file, const SingleFileOptions& options = {});

// The parts of a single original-layout file one at a time (so a low-memory run holds
// one network), and the architectures its tensor shapes imply.
GEN_API UNet2DConditionConfig detect_single_file_unet(const SafeTensorsFile& file, const UNetDetectHints& hints = {});
GEN_API AutoencoderKLConfig detect_single_file_vae(const SafeTensorsFile& file, int64_t norm_num_groups = 32);
GEN_API UNet2DConditionModel load_single_file_unet(const SafeTensorsFile& file, const UNet2DConditionConfig& config,
                                                   const SingleFileOptions& options = {});
GEN_API AutoencoderKL load_single_file_vae(const SafeTensorsFile& file, const AutoencoderKLConfig& config,
                                           const SingleFileOptions& options = {});
GEN_API ClipTextModel load_single_file_text_encoder(const SafeTensorsFile& file, const SingleFileOptions& options = {});

// The inverse of the folder loaders: <dir>/config.json plus <dir>/<weights_name> with
// every parameter and buffer in F16 (integer buffers as they are) (how this project ships weights), written atomically.
GEN_API void save_diffusers_part(const std::filesystem::path& dir, const nlohmann::json& config,
                                 const torch::nn::Module& module, const std::string& weights_name);

// 2 when the UNet's cross-attention context is 1024 wide (OpenCLIP ViT-H), else 1.
GEN_API int detect_sd_version(const UNet2DConditionConfig& unet);

}  // namespace gen::nn
