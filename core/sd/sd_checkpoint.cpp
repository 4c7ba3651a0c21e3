#include <gen/nn/sd_checkpoint.h>

#include <map>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/nn/f16_weights.h>
#include <gen/nn/original_layout.h>
#include <gen/safetensors.h>

namespace gen::nn {
namespace fs = std::filesystem;
namespace {

template <typename Module>
void load_folder_weights(Module& m, const SafeTensorsFile& file, bool strict) {
  LoadOptions o;
  o.strict = strict;
  o.what = file.path().string();
  load_state_dict(*m, file, o);
}

template <typename Module>
void load_folder_weights(Module& m, const fs::path& file, bool strict) {
  load_folder_weights(m, SafeTensorsFile::open(file), strict);
}

// One diffusers part: its folder (config.json + weights), or its weights file alone, with
// the file's sibling config.json when there is one (the file inside its folder).
struct PartSource {
  fs::path weights;
  std::optional<fs::path> config;
};

PartSource part_source(const fs::path& path, const std::string& stem, const std::string& what) {
  if (fs::is_directory(path)) return {find_weights_file(path, stem), path / "config.json"};
  if (!fs::exists(path)) throw InputError(what + " " + path.string() + " does not exist");
  const auto sibling = path.parent_path() / "config.json";
  return {path, fs::exists(sibling) ? std::optional<fs::path>(sibling) : std::nullopt};
}

// The part loaders read diffusers names; an original-layout file would only produce a
// list of missing keys, so it is named for what it is.
void refuse_original_layout(const SafeTensorsFile& f, const std::vector<std::string>& markers, const std::string& what) {
  for (const auto& t : f.tensors())
    for (const auto& m : markers)
      if (t.name.rfind(m, 0) == 0)
        throw ModelError(f.path().string() + " holds the original (LDM) layout (" + t.name + "), not diffusers " +
                         "names; load it with load_single_file (" + what + ")");
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

ShapeMap shapes_with_prefix(const SafeTensorsFile& f, const std::string& prefix) {
  ShapeMap s;
  for (const auto& t : f.tensors())
    if (t.name.rfind(prefix, 0) == 0) s[t.name] = t.shape;
  return s;
}

// Gathers one part's tensors from an original-layout file under diffusers names, then
// loads them. VAE attention weights are 1x1 convs there and Linear here.
void load_original_part(torch::nn::Module& m, const std::map<std::string, std::string>& key_map,
                        const SafeTensorsFile& f, const std::string& prefix, const std::string& part,
                        const SingleFileOptions& opt) {
  std::map<std::string, int64_t> dims;
  for (const auto& p : m.named_parameters(true)) dims[p.key()] = p.value().dim();
  // Shapes now, tensors one at a time at copy time: never a second copy of the part.
  ShapeMap shapes;
  std::vector<std::string> missing;
  std::set<std::string> used;
  auto as_linear = [&](const std::string& name, const std::vector<int64_t>& shape) {
    return dims[name] == 2 && shape.size() == 4 && shape[2] == 1 && shape[3] == 1;
  };
  for (const auto& [name, orig] : key_map) {
    if (!f.contains(orig)) {
      missing.push_back(orig);
      continue;
    }
    used.insert(orig);
    auto shape = f.info(orig).shape;
    if (as_linear(name, shape)) shape.resize(2);
    shapes[name] = shape;
  }
  auto fetch = [&](const std::string& name) {
    auto t = f.get(key_map.at(name));
    return as_linear(name, t.sizes().vec()) ? t.reshape({t.size(0), t.size(1)}) : t;
  };
  std::vector<std::string> unexpected;
  for (const auto& t : f.tensors())
    if (t.name.rfind(prefix, 0) == 0 && !used.count(t.name) && !ends_with(t.name, "position_ids"))
      unexpected.push_back(t.name);
  auto head = [](const std::vector<std::string>& v) {
    std::string s;
    for (size_t i = 0; i < v.size() && i < 8; ++i) s += (i ? ", " : "") + v[i];
    return v.size() > 8 ? s + " ... and " + std::to_string(v.size() - 8) + " more" : s;
  };
  if (!missing.empty())
    throw ModelError(f.path().string() + ": the " + part + " is missing " + std::to_string(missing.size()) +
                     " tensors: " + head(missing));
  if (opt.strict && !unexpected.empty())
    throw ModelError(f.path().string() + ": unexpected " + part + " tensors (is the inferred architecture right?): " +
                     head(unexpected));
  LoadOptions o;
  o.what = f.path().string() + " (" + part + ")";
  load_state_dict(m, shapes, fetch, o);
}

ClipTextModel load_original_text_encoder(const SafeTensorsFile& f, const SingleFileOptions& opt, ClipTextConfig& cfg) {
  if (!shapes_with_prefix(f, kOriginalClipPrefix).empty()) {
    cfg = opt.text_config ? *opt.text_config : ClipTextConfig::detect_from_weights(shapes_with_prefix(f, kOriginalClipPrefix));
    ClipTextModel clip(cfg);
    load_original_part(*clip, original_key_map(*clip), f, kOriginalClipPrefix, "text encoder", opt);
    return clip;
  }
  TensorMap open_clip;
  for (const auto& t : f.tensors())
    if (t.name.rfind(kOpenClipPrefix, 0) == 0) open_clip[t.name] = f.get(t.name);
  if (open_clip.empty())
    throw ModelError(f.path().string() + ": no text encoder (neither " + kOriginalClipPrefix + "* nor " +
                     kOpenClipPrefix + "*)");
  auto converted = convert_open_clip(open_clip);
  cfg = opt.text_config ? *opt.text_config : ClipTextConfig::detect_from_weights(shapes_of(converted));
  ClipTextModel clip(cfg);
  LoadOptions o;
  o.what = f.path().string() + " (OpenCLIP text encoder)";
  o.strict = opt.strict;
  load_state_dict(*clip, converted, o);
  return clip;
}

}  // namespace

void save_diffusers_part(const fs::path& dir, const nlohmann::json& config, const torch::nn::Module& module,
                         const std::string& weights_name) {
  fs::create_directories(dir);
  write_file_atomic(dir / "config.json", config.dump(2) + "\n");
  save_f16_weights(dir / weights_name, module);
}

int detect_sd_version(const UNet2DConditionConfig& unet) { return unet.cross_attention_dim == 1024 ? 2 : 1; }

UNet2DConditionModel load_diffusers_unet(const fs::path& path, bool strict, const UNetDetectHints& hints) {
  const auto source = part_source(path, "diffusion_pytorch_model", "UNet checkpoint");
  const auto file = SafeTensorsFile::open(source.weights);
  refuse_original_layout(file, {kOriginalUNetPrefix, "input_blocks."}, "UNet");
  UNet2DConditionModel m(source.config ? UNet2DConditionConfig::from_json_file(*source.config)
                                       : UNet2DConditionConfig::detect_from_weights(shapes_in(file), hints));
  load_folder_weights(m, file, strict);
  m->eval();
  return m;
}

AutoencoderKL load_diffusers_vae(const fs::path& path, bool strict, int64_t norm_num_groups) {
  const auto source = part_source(path, "diffusion_pytorch_model", "VAE checkpoint");
  const auto file = SafeTensorsFile::open(source.weights);
  refuse_original_layout(file, {kOriginalVaePrefix, "encoder.down.0."}, "VAE");
  AutoencoderKL m(source.config ? AutoencoderKLConfig::from_json_file(*source.config)
                                : AutoencoderKLConfig::detect_from_weights(shapes_in(file), norm_num_groups));
  load_folder_weights(m, file, strict);
  m->eval();
  return m;
}

ClipTextModel load_diffusers_text_encoder(const fs::path& dir, bool strict) {
  ClipTextModel m(ClipTextConfig::from_json_file(dir / "config.json"));
  load_folder_weights(m, find_weights_file(dir, "model"), strict);
  m->eval();
  return m;
}

StableDiffusionModels load_diffusers_folder(const fs::path& dir, bool strict) {
  if (!fs::exists(dir / "model_index.json"))
    throw InputError(dir.string() + " is not a diffusers folder (no model_index.json)");
  StableDiffusionModels sd;
  sd.unet = load_diffusers_unet(dir / "unet", strict);
  sd.unet_config = sd.unet->config();
  sd.vae = load_diffusers_vae(dir / "vae", strict);
  sd.vae_config = sd.vae->config();
  sd.text_encoder = load_diffusers_text_encoder(dir / "text_encoder", strict);
  sd.text_config = sd.text_encoder->config();
  sd.sd_version = detect_sd_version(sd.unet_config);
  if (fs::exists(dir / "tokenizer")) sd.tokenizer_dir = dir / "tokenizer";
  if (fs::exists(dir / "scheduler" / "scheduler_config.json")) sd.scheduler_config = dir / "scheduler" / "scheduler_config.json";
  return sd;
}

UNet2DConditionConfig detect_single_file_unet(const SafeTensorsFile& f, const UNetDetectHints& hints) {
  return UNet2DConditionConfig::detect_from_weights(shapes_with_prefix(f, kOriginalUNetPrefix), hints);
}

AutoencoderKLConfig detect_single_file_vae(const SafeTensorsFile& f, int64_t norm_num_groups) {
  return AutoencoderKLConfig::detect_from_weights(shapes_with_prefix(f, kOriginalVaePrefix), norm_num_groups);
}

UNet2DConditionModel load_single_file_unet(const SafeTensorsFile& f, const UNet2DConditionConfig& config,
                                           const SingleFileOptions& opt) {
  UNet2DConditionModel unet(config);
  load_original_part(*unet, original_key_map(*unet), f, kOriginalUNetPrefix, "UNet", opt);
  unet->eval();
  return unet;
}

AutoencoderKL load_single_file_vae(const SafeTensorsFile& f, const AutoencoderKLConfig& config,
                                   const SingleFileOptions& opt) {
  AutoencoderKL vae(config);
  load_original_part(*vae, original_key_map(*vae), f, kOriginalVaePrefix, "VAE", opt);
  vae->eval();
  return vae;
}

ClipTextModel load_single_file_text_encoder(const SafeTensorsFile& f, const SingleFileOptions& opt) {
  ClipTextConfig config;
  auto clip = load_original_text_encoder(f, opt, config);
  clip->eval();
  return clip;
}

StableDiffusionModels load_single_file(const fs::path& path, const SingleFileOptions& opt) {
  const auto f = SafeTensorsFile::open(path);
  StableDiffusionModels sd;
  sd.unet_config = opt.unet_config ? *opt.unet_config : detect_single_file_unet(f, opt.unet_hints);
  sd.unet = load_single_file_unet(f, sd.unet_config, opt);
  sd.vae_config = opt.vae_config ? *opt.vae_config : detect_single_file_vae(f, opt.vae_norm_num_groups);
  sd.vae = load_single_file_vae(f, sd.vae_config, opt);
  sd.text_encoder = load_original_text_encoder(f, opt, sd.text_config);
  sd.text_encoder->eval();
  sd.sd_version = detect_sd_version(sd.unet_config);
  return sd;
}

}  // namespace gen::nn
