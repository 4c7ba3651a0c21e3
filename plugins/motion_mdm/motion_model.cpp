// What -m names: the embedded default or another model folder (mdm/, text_encoder/,
// tokenizer/, normalizer.safetensors, scheduler/, generation_defaults.json), or one MDM
// .safetensors file with MDM's key names plus -O text_encoder and -O normalizer.
#include <gen/assets.h>
#include <gen/error.h>
#include <gen/json_file.h>
#include <gen/safetensors.h>

#include "motion_mdm.h"

namespace motion_mdm {
namespace fs = std::filesystem;

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_model_folder(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "mdm" / "config.json", ec);
}

// A single file is an MDM when it holds MDM's input projection (read from the header only).
bool is_mdm_file(const fs::path& file) {
  try {
    const auto weights = gen::SafeTensorsFile::open(file);  // kept alive: tensors() refers into it
    for (const auto& info : weights.tensors())
      if (info.name == "input_process.poseEmbedding.weight") return true;
  } catch (const gen::Error&) {
  }
  return false;
}

gen::motion::FeatureNormalizer load_normalizer(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return gen::motion::FeatureNormalizer::load_npy(path / "Mean.npy", path / "Std.npy");
  return gen::motion::FeatureNormalizer::load(path);
}

gen::nn::ClipTokenizer load_tokenizer(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_regular_file(dir / "vocab.json", ec))
    throw gen::ModelError("no CLIP tokenizer (vocab.json + merges.txt) in " + dir.string() + "; pass -O tokenizer=DIR");
  return gen::nn::ClipTokenizer::from_folder(dir);
}

// Every part must agree: text width with MDM's clip_dim, features with the normalizer.
void check_parts(const MotionModel& m) {
  const auto& c = m.network->config();
  if (m.text_encoder->dim() != c.clip_dim)
    throw gen::ModelError("the text encoder gives " + std::to_string(m.text_encoder->dim()) +
                          "-wide embeddings but the MDM expects clip_dim " + std::to_string(c.clip_dim));
  if (c.text_tokens_dim > 0 && m.text_encoder->config().hidden_size != c.text_tokens_dim)
    throw gen::ModelError("the text encoder's token states are " + std::to_string(m.text_encoder->config().hidden_size) +
                          " wide but the MDM reads text_tokens_dim " + std::to_string(c.text_tokens_dim));
  if (m.normalizer.size() != c.input_feats())
    throw gen::ModelError("the normalizer has " + std::to_string(m.normalizer.size()) + " features but the MDM takes " +
                          std::to_string(c.input_feats()));
  if (c.input_feats() != gen::motion::kHumanMLFeatureSize)
    throw gen::ModelError("this MDM takes " + std::to_string(c.input_feats()) +
                          " features; gen runs HumanML3D's 263 (KIT-ML models are not supported)");
}

MotionModel load_folder(const fs::path& dir, const MotionOptions& o) {
  MotionModel m;
  m.name = dir.filename().empty() ? dir.parent_path().filename().string() : dir.filename().string();
  m.network = gen::nn::load_mdm(dir / "mdm");
  m.text_encoder = gen::nn::load_clip_text_embedder(o.text_encoder.empty() ? dir / "text_encoder" : fs::path(o.text_encoder));
  m.tokenizer = load_tokenizer(o.tokenizer.empty() ? dir / "tokenizer" : fs::path(o.tokenizer));
  m.normalizer = load_normalizer(o.normalizer.empty() ? dir / "normalizer.safetensors" : fs::path(o.normalizer));
  const auto scheduler = dir / "scheduler" / "scheduler_config.json";
  std::error_code ec;
  m.schedule = fs::is_regular_file(scheduler, ec)
                   ? gen::SchedulerConfig::from_json(gen::read_json_file(scheduler, "scheduler config"))
                   : mdm_schedule(1000);
  if (o.train_timesteps > 0) m.schedule.num_train_timesteps = o.train_timesteps;
  m.defaults = read_generation_defaults(dir / "generation_defaults.json");
  if (fs::is_regular_file(dir / "prompt_travel.json", ec)) m.travel_rules = dir / "prompt_travel.json";
  return m;
}

MotionModel load_file(const fs::path& file, const MotionOptions& o) {
  if (o.text_encoder.empty() || o.normalizer.empty())
    throw gen::ModelError(file.string() + " is a bare MDM: pass -O text_encoder=CLIP_TEXT_FOLDER and "
                          "-O normalizer=MEAN_STD (docs/motion.md, 'Running a published MDM')");
  MotionModel m;
  m.name = file.stem().string();
  gen::nn::MdmHints hints;
  if (o.heads > 0) hints.num_heads = o.heads;
  hints.mask_frames = o.mask_frames;
  m.network = gen::nn::load_mdm(file, hints);
  m.text_encoder = gen::nn::load_clip_text_embedder(o.text_encoder);
  m.tokenizer = load_tokenizer(o.tokenizer.empty() ? fs::path(o.text_encoder) : fs::path(o.tokenizer));
  m.normalizer = load_normalizer(o.normalizer);
  m.schedule = mdm_schedule(o.train_timesteps > 0 ? o.train_timesteps : 1000);
  return m;
}

}  // namespace

gen::SchedulerConfig mdm_schedule(int train_timesteps) {
  gen::SchedulerConfig c;
  c.num_train_timesteps = train_timesteps;
  c.beta_schedule = "squaredcos_cap_v2";
  c.prediction_type = gen::PredictionType::sample;
  c.timestep_spacing = "trailing";  // the last step starts at pure noise, as MDM's 1000-step sampling does
  return c;
}

ModelDefaults read_generation_defaults(const fs::path& file) {
  ModelDefaults d;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return d;
  const auto j = gen::read_json_file(file, "generation defaults");
  try {
    d.steps = j.value("steps", d.steps);
    d.cfg_scale = j.value("cfg_scale", d.cfg_scale);
    d.duration = j.value("duration", d.duration);
    d.sampler = j.value("sampler", d.sampler);
    d.max_frames = j.value("max_frames", d.max_frames);
  } catch (const nlohmann::json::exception& e) {
    throw gen::ModelError(file.string() + ": " + e.what());
  }
  if (d.steps < 1 || d.cfg_scale < 0 || d.duration <= 0 || d.max_frames < 2)
    throw gen::ModelError(file.string() + ": steps, duration and max_frames must be positive, cfg_scale >= 0");
  return d;
}

bool looks_like_motion_model(const std::string& model) {
  if (model.empty() || model == kDefaultModelName) return true;
  if (ends_with(model, ".safetensors")) return is_mdm_file(model);
  return is_model_folder(model);
}

MotionModel load_motion_model(const std::string& model, const MotionOptions& o) {
  MotionModel m;
  if (model.empty() || model == kDefaultModelName) {
    const auto dir = gen::find_asset("default-motion", "mdm/config.json");
    if (dir.empty())
      throw gen::ModelError("the embedded default motion model is not installed (looked in " +
                            gen::asset_places("default-motion") + "); pass -m with a motion model");
    m = load_folder(dir, o);
    m.name = kDefaultModelName;
  } else {
    std::error_code ec;
    if (!fs::exists(model, ec)) throw gen::ModelError("model not found: " + model);
    if (is_model_folder(model)) {
      m = load_folder(model, o);
    } else if (is_mdm_file(model)) {
      m = load_file(model, o);
    } else {
      throw gen::ModelError(model + " is not a motion model: expected a folder with mdm/config.json or an MDM "
                            ".safetensors file (input_process.poseEmbedding.weight, ...)");
    }
  }
  check_parts(m);
  m.network->eval();
  m.text_encoder->eval();
  return m;
}

}  // namespace motion_mdm
