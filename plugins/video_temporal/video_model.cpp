// What -m names: the embedded default, a motion adapter (folder or single file) or a
// diffusers AnimateDiff pipeline folder. Only paths and small JSON files are read here;
// the weights load when a generator needs them.
#include <gen/assets.h>
#include <gen/error.h>
#include <gen/json_file.h>
#include <gen/safetensors.h>

#include "video_temporal.h"

namespace video_temporal {
namespace fs = std::filesystem;

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_adapter_folder(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_regular_file(dir / "config.json", ec)) return false;
  try {
    return gen::read_json_file(dir / "config.json", "config").value("_class_name", "") == "MotionAdapter";
  } catch (const gen::Error&) {
    return false;
  }
}

bool is_pipeline_folder(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "model_index.json", ec) && is_adapter_folder(dir / "motion_adapter");
}

// A single file is an adapter when its tensors are motion modules (read from the header only).
bool is_adapter_file(const fs::path& file) {
  try {
    const auto weights = gen::SafeTensorsFile::open(file);  // kept alive: tensors() refers into it
    for (const auto& info : weights.tensors())
      if (info.name.find(".motion_modules.") != std::string::npos) return true;
  } catch (const gen::Error&) {
  }
  return false;
}

ModelDefaults read_defaults(const fs::path& adapter_dir) {
  ModelDefaults d;
  const auto file = adapter_dir / "generation_defaults.json";
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return d;
  const auto j = gen::read_json_file(file, "generation defaults");
  try {
    d.steps = j.value("steps", d.steps);
    d.cfg_scale = j.value("cfg_scale", d.cfg_scale);
    d.fps = j.value("fps", d.fps);
    d.frames = j.value("frames", d.frames);
    d.sampler = j.value("sampler", d.sampler);
    d.shared_noise = j.value("shared_noise", d.shared_noise);
    d.motion_cfg_scale = j.value("motion_cfg_scale", d.motion_cfg_scale);
  } catch (const nlohmann::json::exception& e) {
    throw gen::ModelError(file.string() + ": " + e.what());
  }
  if (d.steps < 1 || d.cfg_scale < 0 || d.fps <= 0 || d.frames < 1 || !(d.shared_noise >= 0) ||
      !(d.motion_cfg_scale >= 0 || d.motion_cfg_scale == -1))
    throw gen::ModelError(file.string() + ": steps, frames and fps must be positive, cfg_scale and shared_noise >= 0, "
                          "motion_cfg_scale >= 0 or -1");
  return d;
}

fs::path own_text_tower(const fs::path& adapter) {
  std::error_code ec;
  return fs::is_regular_file(adapter / "text_encoder" / "config.json", ec) ? adapter : fs::path();
}

fs::path travel_rules_of(const fs::path& adapter) {
  std::error_code ec;
  return fs::is_regular_file(adapter / "prompt_travel.json", ec) ? adapter / "prompt_travel.json" : fs::path();
}

std::string stem_name(fs::path p) {
  if (p.filename().empty()) p = p.parent_path();
  return fs::is_directory(p) ? p.filename().string() : p.stem().string();
}

}  // namespace

std::vector<fs::path> default_model_candidates() { return gen::asset_candidates("default-video"); }

bool looks_like_video_model(const std::string& model) {
  if (model.empty() || model == kDefaultModelName) return true;
  if (ends_with(model, ".safetensors")) return is_adapter_file(model);
  return is_adapter_folder(model) || is_pipeline_folder(model);
}

VideoModelFiles locate_model(const std::string& model) {
  VideoModelFiles files;
  if (model.empty() || model == kDefaultModelName) {
    files.adapter = gen::find_asset("default-video", "config.json");
    if (files.adapter.empty())
      throw gen::ModelError("the embedded default video model is not installed (looked in " +
                            gen::asset_places("default-video") + "); pass -m with a motion adapter");
    files.base = gen::find_asset("default-image", "model_index.json");
    if (files.base.empty())
      throw gen::ModelError("the default video model runs on the embedded default image model, which is not "
                            "installed (looked in " + gen::asset_places("default-image") + "); pass -O base=CHECKPOINT");
    files.name = kDefaultModelName;
    files.defaults = read_defaults(files.adapter);
    files.motion_text = own_text_tower(files.adapter);
    files.travel_rules = travel_rules_of(files.adapter);
    return files;
  }
  std::error_code ec;
  if (!fs::exists(model, ec)) throw gen::ModelError("model not found: " + model);
  files.name = stem_name(model);
  if (is_pipeline_folder(model)) {
    files.adapter = fs::path(model) / "motion_adapter";
    files.base = model;
  } else if (is_adapter_folder(model) || is_adapter_file(model)) {
    files.adapter = model;
  } else {
    throw gen::ModelError(model + " is not a motion adapter: expected a folder whose config.json has _class_name "
                          "MotionAdapter, a .safetensors file of motion_modules tensors, or an AnimateDiff "
                          "pipeline folder (model_index.json + motion_adapter/)");
  }
  if (fs::is_directory(files.adapter, ec)) {
    files.defaults = read_defaults(files.adapter);
    files.motion_text = own_text_tower(files.adapter);
    files.travel_rules = travel_rules_of(files.adapter);
  }
  return files;
}

}  // namespace video_temporal
