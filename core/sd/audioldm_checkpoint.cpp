#include <gen/nn/audioldm_checkpoint.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/nn/sd_checkpoint.h>

namespace gen::nn {
namespace fs = std::filesystem;
namespace {

// Pipelines whose unet/vae/vocoder are the networks here (MusicLDM reuses AudioLDM's).
const std::vector<std::string> kPipelines = {"AudioLDMPipeline", "MusicLDMPipeline"};

void check_model_index(const fs::path& dir) {
  const auto index = dir / "model_index.json";
  std::ifstream in(index);
  if (!in) throw InputError(dir.string() + " is not a diffusers folder (no model_index.json)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(index.string() + " is not valid JSON: " + e.what());
  }
  const auto name = j.value("_class_name", std::string());
  if (!name.empty() && std::find(kPipelines.begin(), kPipelines.end(), name) == kPipelines.end())
    throw ModelError(index.string() + " describes a " + name + ", not an AudioLDMPipeline (AudioLDM 2's networks differ)");
}

fs::path optional_part(const fs::path& p) { return fs::exists(p) ? p : fs::path(); }

}  // namespace

void check_audioldm_parts(const UNet2DConditionConfig& unet, const AutoencoderKLConfig& vae,
                          const HifiGanConfig* vocoder, int64_t extra_in_channels) {
  std::vector<std::string> problems;
  if (!unet.has_class_embedding())
    problems.push_back("the UNet has no class embedding (AudioLDM's is class_embed_type \"simple_projection\")");
  if (unet.in_channels != vae.latent_channels + extra_in_channels || unet.out_channels != vae.latent_channels)
    problems.push_back("the UNet maps " + std::to_string(unet.in_channels) + " to " +
                       std::to_string(unet.out_channels) + " channels, the VAE's latents have " +
                       std::to_string(vae.latent_channels) +
                       (extra_in_channels ? " (+ " + std::to_string(extra_in_channels) + " condition channels in)" : ""));
  if (vae.in_channels != 1 || vae.out_channels != 1) problems.push_back("the VAE does not map one-channel mel images");
  // AudioLDMPipeline.check_inputs: the latent's width is model_in_dim / vae_scale_factor.
  if (vocoder && vocoder->model_in_dim % vae.downsample_factor() != 0)
    problems.push_back("the vocoder's " + std::to_string(vocoder->model_in_dim) + " mel bands do not divide by the " +
                       "VAE's downsampling factor " + std::to_string(vae.downsample_factor()));
  if (problems.empty()) return;
  std::string msg = "the AudioLDM networks do not fit together: ";
  for (size_t i = 0; i < problems.size(); ++i) msg += (i ? "; " : "") + problems[i];
  throw ModelError(msg);
}

void check_audioldm_parts(const UNet2DConditionConfig& unet, const AutoencoderKLConfig& vae,
                          const HifiGanConfig& vocoder) {
  check_audioldm_parts(unet, vae, &vocoder);
}

AudioLdmConfigs read_audioldm_configs(const fs::path& dir, bool require_vocoder, int64_t extra_in_channels) {
  if (require_vocoder || fs::exists(dir / "model_index.json")) check_model_index(dir);
  for (const char* part : {"unet", "vae", "vocoder"})
    if (!fs::is_directory(dir / part) && (require_vocoder || std::string(part) != "vocoder"))
      throw InputError(dir.string() + " has no " + part + "/ folder");
  AudioLdmConfigs c{UNet2DConditionConfig::from_json_file(dir / "unet" / "config.json"),
                    AutoencoderKLConfig::from_json_file(dir / "vae" / "config.json"), std::nullopt};
  if (fs::is_directory(dir / "vocoder")) c.vocoder = HifiGanConfig::from_json_file(dir / "vocoder" / "config.json");
  check_audioldm_parts(c.unet, c.vae, c.vocoder ? &*c.vocoder : nullptr, extra_in_channels);
  return c;
}

AudioLdmModels load_audioldm_folder(const fs::path& dir) {
  read_audioldm_configs(dir, true);  // a mismatch is found before a gigabyte of weights is read
  AudioLdmModels m;
  m.unet = load_diffusers_unet(dir / "unet");
  m.vae = load_diffusers_vae(dir / "vae");
  m.vocoder = load_hifigan(dir / "vocoder");
  m.scheduler_config = optional_part(dir / "scheduler" / "scheduler_config.json");
  m.text_encoder_dir = optional_part(dir / "text_encoder");
  m.tokenizer_dir = optional_part(dir / "tokenizer");
  return m;
}

}  // namespace gen::nn
