// load_mdm: an MDM folder (config.json + model.safetensors) or one safetensors file.
#include <gen/nn/mdm.h>

#include <map>
#include <string>
#include <vector>

#include <gen/error.h>
#include <gen/safetensors.h>

namespace gen::nn {
namespace fs = std::filesystem;
namespace {

const std::vector<std::string> kPositionKeys = {"sequence_pos_encoder.pe", "embed_timestep.sequence_pos_encoder.pe"};

bool is_position_key(const std::string& key) {
  return key == kPositionKeys[0] || key == kPositionKeys[1];
}

// The network's tensors: MDM saves its frozen CLIP under clip_model.* in some files.
ShapeMap network_shapes(const SafeTensorsFile& file) {
  ShapeMap shapes;
  for (const auto& t : file.tensors())
    if (t.name.rfind("clip_model.", 0) != 0) shapes[t.name] = t.shape;
  return shapes;
}

fs::path weights_in(const fs::path& dir) {
  const auto path = dir / "model.safetensors";
  if (!fs::exists(path))
    throw InputError("no model.safetensors in " + dir.string() + " (MDM's .pt checkpoints must be converted first)");
  return path;
}

void compare(std::vector<std::string>& out, const char* name, int64_t config, int64_t weights) {
  if (config != weights)
    out.push_back(std::string(name) + " " + std::to_string(config) + " but the weights have " + std::to_string(weights));
}

void compare(std::vector<std::string>& out, const char* name, bool config, bool weights) {
  if (config != weights)
    out.push_back(std::string(name) +
                  (config ? " true but the weights lack its layer" : " false but the weights have its layer"));
}

// config.json fields the tensor shapes contradict, each as one phrase.
void check_config_matches_weights(const MdmConfig& config, const ShapeMap& shapes, const fs::path& config_path,
                                  const fs::path& weights_path) {
  const auto found = MdmConfig::detect_from_weights(shapes, {config.num_heads, config.nfeats, config.mask_frames});
  std::vector<std::string> diffs;
  compare(diffs, "njoints x nfeats", config.input_feats(), found.input_feats());
  compare(diffs, "latent_dim", config.latent_dim, found.latent_dim);
  compare(diffs, "layers", config.layers, found.layers);
  compare(diffs, "ff_size", config.ff_size, found.ff_size);
  compare(diffs, "clip_dim", config.clip_dim, found.clip_dim);
  compare(diffs, "text_tokens_dim", config.text_tokens_dim, found.text_tokens_dim);
  compare(diffs, "frame_progress", config.frame_progress, found.frame_progress);
  if (diffs.empty()) return;
  std::string msg = config_path.string() + " does not describe " + weights_path.string() + ": it says ";
  for (size_t i = 0; i < diffs.size(); ++i) msg += (i ? "; " : "") + diffs[i];
  throw ModelError(msg);
}

// A stored table may have any number of rows (see load_mdm), but its width must be the model's.
void check_position_table(const ShapeMap& shapes, const std::string& key, const MdmConfig& config) {
  const auto it = shapes.find(key);
  if (it == shapes.end()) return;
  const auto& s = it->second;
  if (s.size() != 3 || s[0] < 1 || s[1] != 1 || s[2] != config.latent_dim)
    throw ModelError("MDM checkpoint: " + key + " has shape " + shape_string(s) + ", expected [rows, 1, " +
                     std::to_string(config.latent_dim) + "]");
}

// Every key but the position tables loads name for name; the tables stay the ones the
// config built (MDM's load_model_wo_clip drops them the same way). They are listed with
// the model's own shape so the strict load neither misses nor rejects them.
MdmTransformer build_and_load(const MdmConfig& config, const SafeTensorsFile& file, ShapeMap shapes) {
  MdmTransformer model(config);
  std::map<std::string, torch::Tensor> tables;
  for (const auto& key : kPositionKeys) {
    check_position_table(shapes, key, config);
    tables[key] = model->named_buffers()[key];
    shapes[key] = tables[key].sizes().vec();
  }
  LoadOptions options;
  options.what = "MDM checkpoint " + file.path().string();
  load_state_dict(
      *model, shapes,
      [&](const std::string& key) { return is_position_key(key) ? tables.at(key).clone() : file.get(key); }, options);
  model->eval();
  return model;
}

}  // namespace

MdmTransformer load_mdm(const fs::path& path, const MdmHints& hints) {
  const bool folder = fs::is_directory(path);
  if (!folder && !fs::exists(path)) throw InputError("MDM checkpoint " + path.string() + " does not exist");
  const auto weights = folder ? weights_in(path) : path;
  const auto config_path = folder ? path / "config.json" : path.parent_path() / "config.json";
  const auto file = SafeTensorsFile::open(weights);
  const auto shapes = network_shapes(file);
  if (!folder && !fs::exists(config_path))
    return build_and_load(MdmConfig::detect_from_weights(shapes, hints), file, shapes);
  const auto config = MdmConfig::from_json_file(config_path);
  check_config_matches_weights(config, shapes, config_path, weights);
  return build_and_load(config, file, shapes);
}

}  // namespace gen::nn
