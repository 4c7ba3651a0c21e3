#include "model_folder.h"

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/json_file.h>
#include <gen/nn/audioldm_checkpoint.h>
#include <gen/nn/f16_weights.h>

#include "stage_options.h"

namespace audio_spectrogram {
namespace {

namespace fs = std::filesystem;

fs::path stage_run(const std::string& folder, const std::string& stage, const std::vector<std::string>& files) {
  for (const auto& f : files) {
    std::error_code ec;
    if (!fs::is_regular_file(fs::path(folder) / f, ec))
      throw gen::InputError(folder + " is not a `gen train audio_spectrogram -m " + stage + "` run: no " + f);
  }
  return folder;
}

void copy_folder(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

nlohmann::json model_index(bool vocoder) {
  nlohmann::json j{{"_class_name", "AudioLDMPipeline"},
                   {"_gen_trained_by", "gen train audio_spectrogram"},
                   {"scheduler", {"diffusers", "DDIMScheduler"}},
                   {"text_encoder", {"transformers", "CLIPTextModelWithProjection"}},
                   {"tokenizer", {"transformers", "CLIPTokenizer"}},
                   {"unet", {"diffusers", "UNet2DConditionModel"}},
                   {"vae", {"diffusers", "AutoencoderKL"}}};
  j["vocoder"] = vocoder ? nlohmann::json{"transformers", "SpeechT5HifiGan"} : nlohmann::json{nullptr, nullptr};
  return j;
}

}  // namespace

StageParts find_stage_parts(const std::string& vae, const std::string& text, const std::string& vocoder) {
  if (vae.empty()) throw gen::UsageError("-m unet needs -O vae=DIR (a `-m vae` run folder)");
  if (text.empty()) throw gen::UsageError("-m unet needs -O text_encoder=DIR (a `-m text` run folder)");
  StageParts p;
  p.vae = stage_run(vae, "vae", {"vae/config.json", "vae/diffusion_pytorch_model.safetensors"});
  p.text = stage_run(text, "text", {"text_encoder/config.json", "text_encoder/model.safetensors", "tokenizer/vocab.json",
                                    "tokenizer/merges.txt"});
  if (!vocoder.empty()) p.vocoder = stage_run(vocoder, "vocoder", {"vocoder/config.json", "vocoder/model.safetensors"});
  return p;
}

void check_parts_fit(const gen::nn::UNet2DConditionConfig& unet, const StageParts& parts, const MelGeometry& g,
                     int64_t frequency_code) {
  const auto vae = gen::nn::AutoencoderKLConfig::from_json_file(parts.vae / "vae" / "config.json");
  if (parts.vocoder.empty()) return gen::nn::check_audioldm_parts(unet, vae, nullptr, frequency_code);
  const auto vocoder = gen::nn::HifiGanConfig::from_json_file(parts.vocoder / "vocoder" / "config.json");
  if (vocoder.model_in_dim != g.bands || vocoder.sampling_rate != g.sample_rate || vocoder.hop_length() != g.hop)
    throw gen::InputError((parts.vocoder / "vocoder").string() + " does not vocode the mel the VAE works in (" +
                          std::to_string(g.bands) + " bands, hop " + std::to_string(g.hop) + ", " +
                          std::to_string(g.sample_rate) + " Hz)");
  gen::nn::check_audioldm_parts(unet, vae, &vocoder, frequency_code);
}

void assemble_model_folder(const fs::path& dir, const gen::nn::UNet2DConditionModel& unet, const StageParts& parts,
                           double clip_seconds, const UNetStageResult& result) {
  fs::path staging = dir;
  staging += ".partial";
  fs::remove_all(staging);
  write_json(staging / "unet" / "config.json", unet->config().to_json());
  gen::nn::save_f16_weights(staging / "unet" / "diffusion_pytorch_model.safetensors", *unet);
  copy_folder(parts.vae / "vae", staging / "vae");
  if (result.trained_text) gen::nn::save_clip_text_embedder(staging / "text_encoder", *result.trained_text);
  else copy_folder(parts.text / "text_encoder", staging / "text_encoder");
  copy_folder(parts.text / "tokenizer", staging / "tokenizer");
  if (!parts.vocoder.empty()) copy_folder(parts.vocoder / "vocoder", staging / "vocoder");
  auto scheduler = audioldm_schedule().to_json();
  scheduler["_class_name"] = "DDIMScheduler";
  scheduler["prediction_type"] = gen::prediction_type_name(result.prediction);
  write_json(staging / "scheduler" / "scheduler_config.json", scheduler);
  write_json(staging / "model_index.json", model_index(!parts.vocoder.empty()));
  const MelGeometry g;
  nlohmann::json defaults = {{"steps", 50}, {"cfg_scale", 2.5}, {"duration", clip_seconds}, {"sampler", "ddim"},
                             {"mel", {{"sample_rate", g.sample_rate}, {"hop_length", g.hop}, {"bands", g.bands}}}};
  if (result.text_states) defaults["text_states"] = true;
  if (result.note_slots > 0) defaults["note_slots"] = result.note_slots;
  if (result.frequency_code > 0) defaults["frequency_code"] = result.frequency_code;
  write_json(staging / "generation_defaults.json", defaults);
  fs::remove_all(dir);
  fs::rename(staging, dir);
}

}  // namespace audio_spectrogram
