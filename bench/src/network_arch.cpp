#include "network_arch.h"

#include <filesystem>

#include <gen/error.h>
#include <gen/json_file.h>

namespace gen::bench {

namespace {

namespace fs = std::filesystem;

template <class Config>
Config required_part(const ModelPreset& preset, const std::optional<Config>& part, const char* key) {
  if (!part) throw InputError("model preset " + preset.file.string() + " has no \"" + key + "\"");
  return *part;
}

// A bad file is bad input (exit 3) even when the config parser calls it a model error.
template <class Config>
Config parse_config(const nlohmann::json& json, const fs::path& path) {
  try {
    return Config::from_json(json);
  } catch (const ModelError& e) {
    throw InputError(path.string() + ": " + e.what());
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path.string() + ": " + e.what());
  }
}

fs::path config_file(const std::string& arch, const std::string& what) {
  fs::path path(arch);
  if (fs::is_directory(path)) path /= "config.json";
  if (!fs::is_regular_file(path)) throw InputError("cannot read " + what + " config " + path.string());
  return path;
}

template <class Config>
Config network_arch(const std::string& arch, const char* what, const char* key,
                    std::optional<Config> ModelPreset::*part) {
  if (is_preset_name(arch)) {
    const auto preset = load_model_preset(arch);
    return required_part(preset, preset.*part, key);
  }
  const auto path = config_file(arch, what);
  const auto json = read_json_file(path, std::string(what) + " config");
  if (ModelPreset::is_preset(json)) {
    const auto preset = ModelPreset::from_json(json, path);
    return required_part(preset, preset.*part, key);
  }
  return parse_config<Config>(json, path);
}

}  // namespace

nn::UNet2DConditionConfig unet_arch(const std::string& arch) {
  return network_arch(arch, "UNet", "unet", &ModelPreset::unet);
}

nn::AutoencoderKLConfig vae_arch(const std::string& arch) {
  return network_arch(arch, "VAE", "vae", &ModelPreset::vae);
}

nn::ClipTextConfig text_encoder_arch(const std::string& arch) {
  return network_arch(arch, "text encoder", "text_encoder", &ModelPreset::text_encoder);
}

nn::HifiGanConfig vocoder_arch(const std::string& arch) {
  return network_arch(arch, "vocoder", "vocoder", &ModelPreset::vocoder);
}

ModelPreset whole_model_arch(const std::string& arch) {
  std::optional<ModelPreset> preset;
  if (is_preset_name(arch)) {
    preset = load_model_preset(arch);
  } else if (fs::is_regular_file(arch)) {
    const auto json = read_json_file(arch, "model preset");
    if (ModelPreset::is_preset(json)) preset = ModelPreset::from_json(json, arch);
  }
  if (!preset || !preset->unet || !preset->vae || !preset->text_encoder || !preset->scheduler)
    throw UsageError("txt2img needs a model preset with unet, vae, text_encoder and scheduler (a name such as "
                     "sd15, sd21, tiny, or a configs/models/*.json file), not '" + arch + "'");
  return *preset;
}

nn::MotionAdapterConfig motion_adapter_arch(const std::string& motion) {
  if (is_preset_name(motion)) return load_motion_preset(motion).motion_adapter;
  const auto path = config_file(motion, "motion adapter");
  const auto json = read_json_file(path, "motion adapter config");
  if (MotionPreset::is_preset(json)) return MotionPreset::from_json(json, path).motion_adapter;
  return parse_config<nn::MotionAdapterConfig>(json, path);
}

}  // namespace gen::bench
