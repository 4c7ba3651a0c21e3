// What -m names: the embedded default or a model folder (transformer/, text_encoder/,
// tokenizer/, scheduler/, generation_defaults.json), and the same layout written back.
#include <gen/assets.h>
#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/json_file.h>
#include <gen/nn/f16_weights.h>
#include <gen/nn/sd_checkpoint.h>

#include "points3d.h"

namespace points3d {
namespace fs = std::filesystem;

namespace {

bool has_class(const fs::path& config, const std::string& name) {
  std::error_code ec;
  if (!fs::is_regular_file(config, ec)) return false;
  try {
    return gen::read_json_file(config, "config").value("_class_name", "") == name;
  } catch (const gen::Error&) {
    return false;
  }
}

bool is_height_field_folder(const fs::path& dir) {
  return has_class(dir / "height_field" / "config.json", "HeightField") && has_class(dir / "unet" / "config.json", "UNet2DConditionModel");
}

bool is_model_folder(const fs::path& dir) {
  return has_class(dir / "transformer" / "config.json", "PointTransformer") || is_height_field_folder(dir);
}

PointModel load_folder(const fs::path& dir) {
  PointModel m;
  m.name = dir.filename().empty() ? dir.parent_path().filename().string() : dir.filename().string();
  int64_t text_dim = 0;
  if (is_height_field_folder(dir)) {
    m.height_field = HeightFieldConfig::from_json(gen::read_json_file(dir / "height_field" / "config.json", "config"));
    m.unet = gen::nn::load_diffusers_unet(dir / "unet");
    const auto& u = m.unet->config();
    if (u.in_channels != HeightFieldConfig::kChannels || u.out_channels != HeightFieldConfig::kChannels)
      throw gen::ModelError(dir.string() + ": a height-field UNet takes and gives " + std::to_string(HeightFieldConfig::kChannels) +
                            " channels, this one " + std::to_string(u.in_channels) + " -> " + std::to_string(u.out_channels));
    text_dim = u.cross_attention_dim;
  } else {
    const auto config = PointTransformerConfig::from_json(gen::read_json_file(dir / "transformer" / "config.json", "config"));
    m.network = PointTransformer(config);
    gen::nn::load_f16_weights(dir / "transformer" / "model.safetensors", *m.network);
    text_dim = config.text_dim;
  }
  m.text_encoder = gen::nn::load_diffusers_text_encoder(dir / "text_encoder");
  std::error_code ec;
  if (!fs::is_regular_file(dir / "tokenizer" / "vocab.json", ec))
    throw gen::ModelError(dir.string() + " has no tokenizer/vocab.json");
  m.tokenizer = gen::nn::ClipTokenizer::from_folder(dir / "tokenizer");
  const auto scheduler = dir / "scheduler" / "scheduler_config.json";
  m.schedule = fs::is_regular_file(scheduler, ec)
                   ? gen::SchedulerConfig::from_json(gen::read_json_file(scheduler, "scheduler config"))
                   : point_schedule(gen::PredictionType::epsilon);
  m.defaults = read_generation_defaults(dir / "generation_defaults.json");
  if (m.text_encoder->config().hidden_size != text_dim)
    throw gen::ModelError("the text encoder gives " + std::to_string(m.text_encoder->config().hidden_size) +
                          "-wide states but the network takes " + std::to_string(text_dim));
  return m;
}

}  // namespace

gen::SchedulerConfig point_schedule(gen::PredictionType prediction) {
  gen::SchedulerConfig c;
  c.num_train_timesteps = 1000;
  c.beta_schedule = "squaredcos_cap_v2";
  c.prediction_type = prediction;
  // v and x0 models start from pure noise (t = 999). An epsilon model cannot: where the
  // cosine schedule's alpha_bar is ~1e-5 its x0 estimate divides its error by
  // sqrt(alpha_bar), and the samplers throw points thousands of units away
  // (docs/model-zoo.md, 3D attempt 2) — so it starts a step in, as diffusers' DDIM does.
  c.timestep_spacing = prediction == gen::PredictionType::epsilon ? "leading" : "trailing";
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
    d.sampler = j.value("sampler", d.sampler);
    d.points = j.value("points", d.points);
    d.guidance_rescale = j.value("guidance_rescale", d.guidance_rescale);
    d.guidance_min = j.value("guidance_min", d.guidance_min);
    d.guidance_max = j.value("guidance_max", d.guidance_max);
  } catch (const nlohmann::json::exception& e) {
    throw gen::ModelError(file.string() + ": " + e.what());
  }
  if (d.steps < 1 || d.cfg_scale < 0 || d.points < 16)
    throw gen::ModelError(file.string() + ": steps must be positive, cfg_scale >= 0 and points >= 16");
  if (!(d.guidance_rescale >= 0 && d.guidance_rescale <= 1) || !(d.guidance_min >= 0 && d.guidance_min < d.guidance_max && d.guidance_max <= 1))
    throw gen::ModelError(file.string() + ": guidance_rescale must be in [0, 1] and 0 <= guidance_min < guidance_max <= 1");
  return d;
}

bool looks_like_point_model(const std::string& model) {
  return model.empty() || model == kDefaultModelName || is_model_folder(model);
}

PointModel load_point_model(const std::string& model) {
  PointModel m;
  if (model.empty() || model == kDefaultModelName) {
    auto dir = gen::find_asset("default-3d", "generation_defaults.json");
    if (dir.empty())
      throw gen::ModelError("the embedded default 3D model is not installed (looked in " + gen::asset_places("default-3d") +
                            "); pass -m with a points3d model folder");
    m = load_folder(dir);
    m.name = kDefaultModelName;
  } else {
    std::error_code ec;
    if (!fs::exists(model, ec)) throw gen::ModelError("model not found: " + model);
    if (!is_model_folder(model))
      throw gen::ModelError(model + " is not a points3d model: expected a folder with transformer/config.json "
                            "(\"_class_name\": \"PointTransformer\") or unet/ and height_field/config.json");
    m = load_folder(model);
  }
  if (m.network) m.network->eval();
  if (m.unet) m.unet->eval();
  m.text_encoder->eval();
  return m;
}

namespace {

void save_common(const fs::path& dir, const gen::nn::ClipTextModel& text, const fs::path& tokenizer,
                 const gen::SchedulerConfig& schedule, const nlohmann::json& defaults) {
  gen::nn::save_diffusers_part(dir / "text_encoder", text->config().to_json(), *text, "model.safetensors");
  fs::create_directories(dir / "tokenizer");
  for (const char* name : {"vocab.json", "merges.txt"})
    fs::copy_file(tokenizer / name, dir / "tokenizer" / name, fs::copy_options::overwrite_existing);
  fs::create_directories(dir / "scheduler");
  auto scheduler = schedule.to_json();
  scheduler["_class_name"] = "DDPMScheduler";
  gen::write_file_atomic(dir / "scheduler" / "scheduler_config.json", scheduler.dump(2) + "\n");
  gen::write_file_atomic(dir / "generation_defaults.json", defaults.dump(2) + "\n");
}

}  // namespace

void save_point_model(const fs::path& dir, const PointTransformer& network, const gen::nn::ClipTextModel& text,
                      const fs::path& tokenizer, const gen::SchedulerConfig& schedule, const nlohmann::json& defaults) {
  fs::create_directories(dir / "transformer");
  gen::write_file_atomic(dir / "transformer" / "config.json", network->config().to_json().dump(2) + "\n");
  gen::nn::save_f16_weights(dir / "transformer" / "model.safetensors", *network);
  save_common(dir, text, tokenizer, schedule, defaults);
}

void save_height_field_model(const fs::path& dir, const gen::nn::UNet2DConditionModel& unet, const HeightFieldConfig& field,
                             const gen::nn::ClipTextModel& text, const fs::path& tokenizer,
                             const gen::SchedulerConfig& schedule, const nlohmann::json& defaults) {
  gen::nn::save_diffusers_part(dir / "unet", unet->config().to_json(), *unet, "diffusion_pytorch_model.safetensors");
  fs::create_directories(dir / "height_field");
  gen::write_file_atomic(dir / "height_field" / "config.json", field.to_json().dump(2) + "\n");
  save_common(dir, text, tokenizer, schedule, defaults);
}

}  // namespace points3d
