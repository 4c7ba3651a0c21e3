#include <gen/bench/model_preset.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include <gen/error.h>
#include <gen/json_file.h>

namespace gen::bench {

namespace {

namespace fs = std::filesystem;

const std::set<std::string> kPartKeys = {"unet", "vae", "text_encoder", "vocoder"};
const std::vector<std::string> kModelKeys = {"description", "unet", "vae", "text_encoder", "vocoder", "scheduler"};
const std::vector<std::string> kMotionKeys = {"description", "motion_adapter"};

// Parses one part with its config reader; any complaint becomes bad input naming the file.
template <class Config>
std::optional<Config> parse_part(const nlohmann::json& json, const char* key, const fs::path& file) {
  if (!json.contains(key)) return std::nullopt;
  try {
    return Config::from_json(json.at(key));
  } catch (const ModelError& e) {
    throw InputError(file.string() + ": \"" + key + "\": " + e.what());
  } catch (const nlohmann::json::exception& e) {
    throw InputError(file.string() + ": \"" + key + "\": " + e.what());
  }
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// A preset's optional "description", after refusing every key outside `keys`: a misspelt
// part must not be silently dropped.
std::string checked_description(const nlohmann::json& json, const fs::path& file, const char* kind,
                                 const std::vector<std::string>& keys) {
  for (const auto& [key, value] : json.items())
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      throw InputError(file.string() + ": unknown key \"" + key + "\" (a " + kind + " holds " + joined(keys) + ")");
  if (!json.contains("description")) return {};
  if (!json["description"].is_string()) throw InputError(file.string() + ": \"description\" must be a string");
  return json["description"].get<std::string>();
}

// The names of <configs_dir()>/<folder>/*.json, sorted.
std::vector<std::string> preset_names(const char* folder) {
  std::vector<std::string> names;
  const auto dir = configs_dir();
  if (dir.empty() || !fs::is_directory(dir / folder)) return names;
  for (const auto& entry : fs::directory_iterator(dir / folder))
    if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

// <configs_dir()>/<folder>/<name>.json; UsageError naming what was looked for, and where.
fs::path preset_file(const char* folder, const std::string& what, const std::string& name) {
  const auto dir = configs_dir();
  if (dir.empty()) {
    std::string looked;
    for (const auto& d : config_dir_candidates()) looked += (looked.empty() ? "" : ", ") + (d / folder).string();
    throw UsageError("no " + what + "s found for '" + name + "' (looked in " + looked +
                     "; set GEN_CONFIGS_DIR to a configs folder, or give a path to a preset file)");
  }
  const auto file = dir / folder / (name + ".json");
  if (!fs::is_regular_file(file))
    throw UsageError("unknown " + what + " '" + name + "' (known: " + joined(preset_names(folder)) + " in " +
                     (dir / folder).string() + "; or give a path to a preset file)");
  return file;
}

}  // namespace

bool ModelPreset::is_preset(const nlohmann::json& json) {
  if (!json.is_object()) return false;
  return std::any_of(kPartKeys.begin(), kPartKeys.end(), [&](const std::string& k) { return json.contains(k); });
}

ModelPreset ModelPreset::from_json(const nlohmann::json& json, const fs::path& file) {
  if (!is_preset(json))
    throw InputError(file.string() + " is not a model preset (it needs \"unet\", \"vae\", \"text_encoder\" or \"vocoder\")");
  ModelPreset p;
  p.name = file.stem().string();
  p.file = file;
  p.description = checked_description(json, file, "preset", kModelKeys);
  p.unet = parse_part<nn::UNet2DConditionConfig>(json, "unet", file);
  p.vae = parse_part<nn::AutoencoderKLConfig>(json, "vae", file);
  p.text_encoder = parse_part<nn::ClipTextConfig>(json, "text_encoder", file);
  p.vocoder = parse_part<nn::HifiGanConfig>(json, "vocoder", file);
  if (json.contains("scheduler")) {
    if (!json["scheduler"].is_object()) throw InputError(file.string() + ": \"scheduler\" must be an object");
    p.scheduler = json["scheduler"];
  }
  return p;
}

ModelPreset ModelPreset::from_file(const fs::path& file) {
  return from_json(read_json_file(file, "model preset"), file);
}

std::vector<fs::path> config_dir_candidates() {
  if (const char* env = std::getenv("GEN_CONFIGS_DIR"); env && *env) return {env};
  return {GEN_CONFIGS_INSTALL_DIR, GEN_CONFIGS_SOURCE_DIR};
}

fs::path configs_dir() {
  for (const auto& dir : config_dir_candidates())
    if (fs::is_directory(dir / "models")) return dir;
  return {};
}

bool is_preset_name(const std::string& arch) {
  return !arch.empty() && arch.find('/') == std::string::npos && arch.find('.') == std::string::npos;
}

std::vector<std::string> model_preset_names() { return preset_names("models"); }

ModelPreset load_model_preset(const std::string& name) {
  return ModelPreset::from_file(preset_file("models", "model preset", name));
}

bool MotionPreset::is_preset(const nlohmann::json& json) { return json.is_object() && json.contains("motion_adapter"); }

MotionPreset MotionPreset::from_json(const nlohmann::json& json, const fs::path& file) {
  if (!is_preset(json)) throw InputError(file.string() + " is not a motion preset (it needs \"motion_adapter\")");
  MotionPreset p;
  p.name = file.stem().string();
  p.file = file;
  p.description = checked_description(json, file, "motion preset", kMotionKeys);
  p.motion_adapter = *parse_part<nn::MotionAdapterConfig>(json, "motion_adapter", file);
  return p;
}

MotionPreset MotionPreset::from_file(const fs::path& file) {
  return from_json(read_json_file(file, "motion preset"), file);
}

std::vector<std::string> motion_preset_names() { return preset_names("motion"); }

MotionPreset load_motion_preset(const std::string& name) {
  return MotionPreset::from_file(preset_file("motion", "motion preset", name));
}

}  // namespace gen::bench
