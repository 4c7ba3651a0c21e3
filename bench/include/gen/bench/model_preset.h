// Model presets: the architecture of an SD-family model as data, one JSON file per model
// in configs/models/ (sd15.json, sd21.json, tiny.json, audioldm-s.json), holding the
// diffusers/transformers configs of its parts: {"description", "unet", "vae",
// "text_encoder", "vocoder", "scheduler"}. Benchmarks
// build networks from them and write random-weight models with them.
//
// Names are looked up in the models/ folder of the first configs folder that has one:
// $GEN_CONFIGS_DIR when set (and only there), else the install prefix's
// share/gen/configs, else the source tree's configs/ (for runs from the build tree) —
// the scheme that finds the embedded default model (plugins/image_ldm/default_model.cpp).
//
// Motion-adapter presets (configs/motion/<name>.json: {"description", "motion_adapter"},
// the latter a diffusers MotionAdapter config.json) live beside them in the same configs
// folder. They are separate files because an adapter is made for a UNet layout, not for
// one model: AnimateDiff's SD-1.5 modules run on any SD-1.x checkpoint.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gen/export.h>
#include <gen/nn/autoencoder_kl.h>
#include <gen/nn/clip_text_model.h>
#include <gen/nn/hifigan.h>
#include <gen/nn/motion_adapter.h>
#include <gen/nn/unet_config.h>

namespace gen::bench {

struct GEN_API ModelPreset {
  std::string name;                 // the file's stem ("sd15")
  std::filesystem::path file;
  std::string description;
  std::optional<nn::UNet2DConditionConfig> unet;
  std::optional<nn::AutoencoderKLConfig> vae;
  std::optional<nn::ClipTextConfig> text_encoder;
  std::optional<nn::HifiGanConfig> vocoder;  // a transformers SpeechT5HifiGan config.json
  std::optional<nlohmann::json> scheduler;  // a diffusers scheduler_config.json

  // Parses and validates every part; throws InputError naming the file and the part.
  // Unknown top-level keys are errors too, so a misspelt part is not silently dropped.
  static ModelPreset from_json(const nlohmann::json& json, const std::filesystem::path& file);
  static ModelPreset from_file(const std::filesystem::path& file);
  // True for a JSON object with a preset part ("unet", "vae", "text_encoder", "vocoder"), which a
  // single network's config.json never has.
  static bool is_preset(const nlohmann::json& json);
};

struct GEN_API MotionPreset {
  std::string name;  // the file's stem ("animatediff-v2")
  std::filesystem::path file;
  std::string description;
  nn::MotionAdapterConfig motion_adapter;

  // InputError naming the file for a missing or malformed "motion_adapter" or an unknown key.
  static MotionPreset from_json(const nlohmann::json& json, const std::filesystem::path& file);
  static MotionPreset from_file(const std::filesystem::path& file);
  // True for a JSON object with "motion_adapter", which a diffusers config.json never has.
  static bool is_preset(const nlohmann::json& json);
};

// The candidate configs folders, in order, and the first of them holding models/ ("" if none).
GEN_API std::vector<std::filesystem::path> config_dir_candidates();
GEN_API std::filesystem::path configs_dir();
// True when `arch` is a name ("sd15") rather than a path (it has no '/' and no '.').
GEN_API bool is_preset_name(const std::string& arch);
// The names of <configs_dir()>/models/*.json, sorted.
GEN_API std::vector<std::string> model_preset_names();
// A preset by name; UsageError for an unknown name (listing the known ones and where
// they were looked for), InputError for a malformed file.
GEN_API ModelPreset load_model_preset(const std::string& name);
// The same for <configs_dir()>/motion/*.json.
GEN_API std::vector<std::string> motion_preset_names();
GEN_API MotionPreset load_motion_preset(const std::string& name);

}  // namespace gen::bench
