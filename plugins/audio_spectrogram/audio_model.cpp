// What -m names: the embedded default (assets/default-audio) or a diffusers AudioLDM
// folder. Only configs are read here; the generator loads the weights it needs.
#include <gen/assets.h>
#include <gen/error.h>
#include <gen/json_file.h>
#include <gen/nn/audioldm_checkpoint.h>

#include <algorithm>
#include <cmath>

#include "audio_spectrogram.h"

namespace audio_spectrogram {
namespace fs = std::filesystem;

namespace {

bool is_model_folder(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "unet" / "config.json", ec) && fs::is_regular_file(dir / "vae" / "config.json", ec);
}

// AudioLDM folders of diffusers have no generation defaults; gen's own models may.
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
    d.text_states = j.value("text_states", d.text_states);
    d.note_slots = j.value("note_slots", d.note_slots);
    d.frequency_code = j.value("frequency_code", d.frequency_code);
    if (j.contains("mel")) {
      const auto& mel = j.at("mel");
      d.sample_rate = mel.value("sample_rate", d.sample_rate);
      d.hop_length = mel.value("hop_length", d.hop_length);
      d.bands = mel.value("bands", d.bands);
    }
  } catch (const nlohmann::json::exception& e) {
    throw gen::ModelError(file.string() + ": " + e.what());
  }
  if (d.note_slots < 0 || d.note_slots > kMaxNoteSlots || (d.note_slots > 0 && !d.text_states))
    throw gen::ModelError(file.string() + ": note_slots must be 0.." + std::to_string(kMaxNoteSlots) +
                          " and needs text_states");
  if (d.frequency_code < 0 || d.frequency_code > kMaxFrequencyCode || d.frequency_code % 2 != 0)
    throw gen::ModelError(file.string() + ": frequency_code must be an even number of channels, 0.." +
                          std::to_string(kMaxFrequencyCode));
  if (d.steps < 1 || d.cfg_scale < 0 || d.duration < 0)
    throw gen::ModelError(file.string() + ": steps must be positive, cfg_scale and duration >= 0");
  if (d.sample_rate < gen::audio::kMinSampleRate || d.sample_rate > gen::audio::kMaxSampleRate || d.hop_length < 1 ||
      d.hop_length > 65536 || d.bands < 1 || d.bands > 4096)
    throw gen::ModelError(file.string() + ": \"mel\" needs a sample_rate in Hz, a hop_length and bands > 0");
  return d;
}

// "clip" (a tower gen runs), "clap" (AudioLDM's RoBERTa tower), another model_type, or ""
// when there is no text encoder.
std::string text_model_type(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_regular_file(dir / "config.json", ec)) return "";
  const auto j = gen::read_json_file(dir / "config.json", "text encoder config");
  if (!j.is_object()) return "unknown";
  const auto type = j.value("model_type", std::string());
  const auto arch = j.contains("architectures") && j["architectures"].is_array() && !j["architectures"].empty() &&
                            j["architectures"][0].is_string()
                        ? j["architectures"][0].get<std::string>()
                        : std::string();
  if (type.rfind("clap", 0) == 0 || arch.rfind("Clap", 0) == 0) return "clap";
  if (type.empty() || type == "clip_text_model" || arch.rfind("CLIPText", 0) == 0) return "clip";
  return type;
}

// AudioLDM's attention blocks attend to their own features (cross_attention_dim = the
// block's width); a block whose cross-attention width is another needs text states.
bool attends_to_text(const gen::nn::UNet2DConditionConfig& unet) {
  for (size_t i = 0; i < unet.block_out_channels.size(); ++i)
    if (unet.down_has_attention(i) && unet.down_cross_attention_dim(i) != unet.block_out_channels[i])
      return true;
  return false;
}

AudioModelFiles read_folder(const fs::path& dir, const std::string& name) {
  AudioModelFiles f;
  f.name = name;
  f.dir = dir;
  f.defaults = read_generation_defaults(dir / "generation_defaults.json");
  f.frequency_code = f.defaults.frequency_code;
  auto configs = gen::nn::read_audioldm_configs(dir, false, f.frequency_code);
  f.unet = configs.unet;
  f.vae = configs.vae;
  f.vocoder = configs.vocoder;
  const auto scheduler = dir / "scheduler" / "scheduler_config.json";
  std::error_code ec;
  if (fs::is_regular_file(scheduler, ec)) f.scheduler = gen::read_json_file(scheduler, "scheduler config");
  f.text_model_type = text_model_type(dir / "text_encoder");
  f.text_states = f.defaults.text_states || attends_to_text(f.unet);
  f.note_slots = f.defaults.note_slots;
  if (f.note_slots > 0 && f.unet.cross_attention_dim % 2 != 0)
    throw gen::ModelError((dir / "unet").string() + ": note_slots need an even cross_attention_dim (sine/cosine pairs)");
  if (f.text_states && !f.unet.cross_attention_dims.empty())
    throw gen::ModelError((dir / "unet").string() + ": a UNet that attends to the text needs one cross_attention_dim "
                          "(the text tower's width), not one per block");
  return f;
}

}  // namespace

bool looks_like_audio_model(const std::string& model) {
  return model.empty() || model == kDefaultModelName || is_model_folder(model);
}

AudioModelFiles locate_model(const std::string& model) {
  if (model.empty() || model == kDefaultModelName) {
    const auto dir = gen::find_asset("default-audio", "unet/config.json");
    if (dir.empty())
      throw gen::ModelError("the embedded default audio model is not installed (looked in " +
                            gen::asset_places("default-audio") + "); pass -m with an AudioLDM folder");
    return read_folder(dir, kDefaultModelName);
  }
  std::error_code ec;
  if (!fs::exists(model, ec)) throw gen::ModelError("model not found: " + model);
  if (!is_model_folder(model))
    throw gen::ModelError(model + " is not an audio model: expected a diffusers AudioLDM folder (unet/, vae/, "
                          "scheduler/, vocoder/, text_encoder/)");
  const fs::path dir(model);
  return read_folder(dir, dir.filename().empty() ? dir.parent_path().filename().string() : dir.filename().string());
}

gen::audio::LogMelConfig MelGeometry::log_mel() const {
  auto c = gen::audio::audioldm_log_mel();
  c.sample_rate = sample_rate;
  c.n_mels = bands;
  c.stft.hop_length = hop;
  c.fmax = std::min(c.fmax, sample_rate / 2.0);
  return c;
}

int64_t MelGeometry::frames_for(double seconds) const {
  // AudioLDMPipeline truncates (int(seconds / 0.01)) and may then give a few samples less
  // than asked; rounding up gives at least the duration, which is then cut exactly.
  const auto frames = static_cast<int64_t>(std::ceil(seconds * sample_rate / static_cast<double>(hop) - 1e-9));
  return std::max<int64_t>(vae_factor, (frames + vae_factor - 1) / vae_factor * vae_factor);
}

MelGeometry mel_geometry(const AudioModelFiles& f) {
  MelGeometry g;
  if (f.vocoder) {
    g.sample_rate = static_cast<int>(f.vocoder->sampling_rate);
    g.hop = f.vocoder->hop_length();
    g.bands = f.vocoder->model_in_dim;
  } else {
    g.sample_rate = f.defaults.sample_rate;
    g.hop = f.defaults.hop_length;
    g.bands = f.defaults.bands;
  }
  g.vae_factor = f.vae.downsample_factor();
  if (g.bands % g.vae_factor != 0)
    throw gen::ModelError("the model's " + std::to_string(g.bands) + " mel bands do not divide by the VAE's factor " +
                          std::to_string(g.vae_factor));
  return g;
}

}  // namespace audio_spectrogram
