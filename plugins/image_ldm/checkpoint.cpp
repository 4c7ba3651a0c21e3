#include "checkpoint.h"

#include <spdlog/spdlog.h>

#include <gen/error.h>
#include <gen/json_file.h>
#include <gen/nn/original_layout.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/safetensors.h>

namespace image_ldm {
namespace fs = std::filesystem;
namespace nn = gen::nn;

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

nn::ShapeMap shapes_with_prefix(const gen::SafeTensorsFile& f, const std::string& prefix) {
  nn::ShapeMap shapes;
  for (const auto& t : f.tensors())
    if (t.name.rfind(prefix, 0) == 0) shapes[t.name] = t.shape;
  return shapes;
}

// One part of an original-layout file under diffusers names. The VAE's attention
// projections are 1x1 convolutions there and Linear layers here.
void load_original_part(torch::nn::Module& module, const std::map<std::string, std::string>& key_map,
                        const gen::SafeTensorsFile& f, const std::string& part) {
  std::map<std::string, int64_t> dims;
  for (const auto& p : module.named_parameters(true)) dims[p.key()] = p.value().dim();
  nn::TensorMap tensors;
  std::string missing;
  for (const auto& [name, original] : key_map) {
    if (!f.contains(original)) {
      missing += (missing.empty() ? "" : ", ") + original;
      continue;
    }
    auto t = f.get(original, torch::kFloat32);
    if (dims[name] == 2 && t.dim() == 4 && t.size(2) == 1 && t.size(3) == 1) t = t.reshape({t.size(0), t.size(1)});
    tensors[name] = t;
  }
  if (!missing.empty())
    throw gen::ModelError(f.path().string() + ": the " + part + " is missing tensors: " + missing.substr(0, 400));
  nn::LoadOptions options;
  options.what = f.path().string() + " (" + part + ")";
  nn::load_state_dict(module, tensors, options);
}

// SD 1.x stores transformers' CLIP behind a prefix; SD 2.x an OpenCLIP tower.
nn::ClipTextModel load_original_text_encoder(const gen::SafeTensorsFile& f) {
  auto clip_shapes = shapes_with_prefix(f, nn::kOriginalClipPrefix);
  if (!clip_shapes.empty()) {
    nn::ClipTextModel clip(nn::ClipTextConfig::detect_from_weights(clip_shapes));
    load_original_part(*clip, nn::original_key_map(*clip), f, "text encoder");
    return clip;
  }
  nn::TensorMap open_clip;
  for (const auto& t : f.tensors())
    if (t.name.rfind(nn::kOpenClipPrefix, 0) == 0) open_clip[t.name] = f.get(t.name);
  if (open_clip.empty())
    throw gen::ModelError(f.path().string() + ": no text encoder (neither " + nn::kOriginalClipPrefix + "* nor " +
                          nn::kOpenClipPrefix + "*)");
  auto converted = nn::convert_open_clip(open_clip);
  nn::ClipTextModel clip(nn::ClipTextConfig::detect_from_weights(nn::shapes_of(converted)));
  nn::LoadOptions options;
  options.what = f.path().string() + " (OpenCLIP text encoder)";
  nn::load_state_dict(*clip, converted, options);
  return clip;
}

template <typename Module>
Module evaluating(Module m) {
  m->eval();
  return m;
}

}  // namespace

bool looks_like_checkpoint(const std::string& model) {
  if (ends_with(model, ".safetensors") || ends_with(model, ".ckpt")) return true;
  std::error_code ec;
  return fs::is_directory(model, ec) && fs::exists(fs::path(model) / "model_index.json", ec);
}

Checkpoint::Checkpoint(const fs::path& path) : path_(path) {
  if (ends_with(path.string(), ".ckpt"))
    throw gen::ModelError(path.string() + ": .ckpt files are Python pickles, which gen does not load (unpickling can "
                          "run code); convert it to .safetensors first");
  std::error_code ec;
  if (!fs::exists(path, ec)) throw gen::ModelError("model not found: " + path.string());
  single_file_ = !fs::is_directory(path, ec);
  if (single_file_) {
    const auto f = gen::SafeTensorsFile::open(path);
    unet_config_ = nn::UNet2DConditionConfig::detect_from_weights(shapes_with_prefix(f, nn::kOriginalUNetPrefix));
    vae_config_ = nn::AutoencoderKLConfig::detect_from_weights(shapes_with_prefix(f, nn::kOriginalVaePrefix));
  } else {
    unet_config_ = nn::UNet2DConditionConfig::from_json_file(path / "unet" / "config.json");
    vae_config_ = nn::AutoencoderKLConfig::from_json_file(path / "vae" / "config.json");
    const auto scheduler = path / "scheduler" / "scheduler_config.json";
    if (fs::exists(scheduler, ec)) scheduler_config_ = gen::read_json_file(scheduler, "scheduler config");
  }
  sd_version_ = nn::detect_sd_version(unet_config_);
  if (unet_config_.out_channels != latent_channels())
    throw gen::ModelError(path.string() + ": the UNet predicts " + std::to_string(unet_config_.out_channels) +
                          " channels but the VAE's latents have " + std::to_string(latent_channels()));
  if (unet_config_.in_channels != latent_channels() && !inpainting())
    throw gen::ModelError(path.string() + ": the UNet takes " + std::to_string(unet_config_.in_channels) +
                          " input channels; supported are " + std::to_string(latent_channels()) + " (ordinary) and " +
                          std::to_string(2 * latent_channels() + 1) + " (inpainting)");
}

std::string Checkpoint::name() const {
  auto p = path_;
  if (p.filename().empty()) p = p.parent_path();  // "dir/" names the folder
  return single_file_ ? p.stem().string() : p.filename().string();
}

fs::path Checkpoint::tokenizer_dir(const std::string& override_dir) const {
  if (!override_dir.empty()) return override_dir;  // ClipTokenizer names the missing file
  const auto dir = (single_file_ ? path_.parent_path() : path_) / "tokenizer";
  std::error_code ec;
  if (fs::is_regular_file(dir / "vocab.json", ec) && fs::is_regular_file(dir / "merges.txt", ec)) return dir;
  throw gen::ModelError(path_.string() + " has no CLIP tokenizer: put its vocab.json and merges.txt in " +
                        (dir / "").string() + (single_file_ ? " (beside the checkpoint)" : "") +
                        " or pass -O tokenizer=DIR");
}

nn::ClipTextModel Checkpoint::load_text_encoder() const {
  spdlog::debug("loading the text encoder of {}", path_.string());
  if (!single_file_) return nn::load_diffusers_text_encoder(path_ / "text_encoder");
  return evaluating(load_original_text_encoder(gen::SafeTensorsFile::open(path_)));
}

nn::UNet2DConditionModel Checkpoint::load_unet() const {
  spdlog::debug("loading the UNet of {}", path_.string());
  if (!single_file_) return nn::load_diffusers_unet(path_ / "unet");
  nn::UNet2DConditionModel unet(unet_config_);
  load_original_part(*unet, nn::original_key_map(*unet), gen::SafeTensorsFile::open(path_), "UNet");
  return evaluating(unet);
}

nn::AutoencoderKL Checkpoint::load_vae() const {
  spdlog::debug("loading the VAE of {}", path_.string());
  if (!single_file_) return nn::load_diffusers_vae(path_ / "vae");
  nn::AutoencoderKL vae(vae_config_);
  load_original_part(*vae, nn::original_key_map(*vae), gen::SafeTensorsFile::open(path_), "VAE");
  return evaluating(vae);
}

}  // namespace image_ldm
