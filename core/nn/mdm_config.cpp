#include <gen/nn/mdm.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include <gen/error.h>

namespace gen::nn {
namespace {

using json = nlohmann::json;

// MDM builds other networks under the same class (trans_dec, gru, concatenated
// condition tokens); their weights would fail to load with a list of odd key names,
// so the config says plainly what is not run here.
void refuse_unsupported(const json& j) {
  auto refuse = [&](const char* key, const char* supported) {
    if (j.contains(key) && !j[key].is_null() && j[key] != supported)
      throw ModelError(std::string("MDM config: ") + key + " " + j[key].dump() + " is not supported (only " +
                       supported + ")");
  };
  refuse("arch", "trans_enc");
  refuse("emb_policy", "add");
}

void require_positive(int64_t value, const char* name) {
  if (value <= 0) throw ModelError(std::string("MDM config: ") + name + " must be positive, got " + std::to_string(value));
}

const std::vector<int64_t>& shape_of(const ShapeMap& shapes, const std::string& key, size_t rank,
                                     const std::string& why = "") {
  const auto it = shapes.find(key);
  if (it == shapes.end()) throw ModelError("MDM weights: no " + key + " tensor" + why);
  if (it->second.size() != rank)
    throw ModelError("MDM weights: " + key + " has shape " + shape_string(it->second) + ", expected " +
                     std::to_string(rank) + " dimensions");
  return it->second;
}

std::string layer_key(int64_t i, const std::string& leaf) {
  return "seqTransEncoder.layers." + std::to_string(i) + "." + leaf;
}

int64_t count_layers(const ShapeMap& shapes) {
  int64_t n = 0;
  while (shapes.count(layer_key(n, "self_attn.in_proj_weight"))) ++n;
  return n;
}

}  // namespace

void MdmConfig::validate() const {
  require_positive(njoints, "njoints");
  require_positive(nfeats, "nfeats");
  require_positive(latent_dim, "latent_dim");
  require_positive(layers, "layers");
  require_positive(ff_size, "ff_size");
  require_positive(num_heads, "num_heads");
  require_positive(clip_dim, "clip_dim");
  if (latent_dim % 2 != 0)
    throw ModelError("MDM config: latent_dim " + std::to_string(latent_dim) + " must be even (sinusoidal positions)");
  if (text_tokens_dim < 0)
    throw ModelError("MDM config: text_tokens_dim must be 0 (none) or positive, got " + std::to_string(text_tokens_dim));
  if (pos_embed_max_len < 2)
    throw ModelError("MDM config: pos_embed_max_len must be at least 2 (the condition token and one frame)");
  check_transformer_encoder_options(encoder_options(), "MDM config");
}

TransformerEncoderOptions MdmConfig::encoder_options() const {
  TransformerEncoderOptions o;
  o.d_model = latent_dim;
  o.nhead = num_heads;
  o.dim_feedforward = ff_size;
  o.num_layers = layers;
  o.dropout = dropout;
  o.activation = activation;
  return o;
}

MdmConfig MdmConfig::from_json(const json& j) {
  try {
    refuse_unsupported(j);
    MdmConfig c;
    c.njoints = j.value("njoints", c.njoints);
    c.nfeats = j.value("nfeats", c.nfeats);
    c.latent_dim = j.value("latent_dim", c.latent_dim);
    c.layers = j.value("layers", j.value("num_layers", c.layers));
    c.ff_size = j.value("ff_size", c.ff_size);
    c.num_heads = j.value("num_heads", c.num_heads);
    c.clip_dim = j.value("clip_dim", c.clip_dim);
    c.pos_embed_max_len = j.value("pos_embed_max_len", c.pos_embed_max_len);
    c.activation = j.value("activation", c.activation);
    c.mask_frames = j.value("mask_frames", c.mask_frames);
    c.cond_every_frame = j.value("cond_every_frame", c.cond_every_frame);
    c.text_tokens_dim = j.value("text_tokens_dim", c.text_tokens_dim);
    c.frame_progress = j.value("frame_progress", c.frame_progress);
    c.dropout = j.value("dropout", c.dropout);
    c.validate();
    return c;
  } catch (const json::exception& e) {
    throw ModelError(std::string("MDM config: ") + e.what());
  }
}

MdmConfig MdmConfig::from_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot open MDM config " + path.string());
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw InputError("MDM config " + path.string() + " is not valid JSON: " + e.what());
  }
  return from_json(j);
}

json MdmConfig::to_json() const {
  json j = {{"_class_name", "MDM"},  {"arch", "trans_enc"},
          {"njoints", njoints},    {"nfeats", nfeats},
          {"latent_dim", latent_dim}, {"layers", layers},
          {"ff_size", ff_size},    {"num_heads", num_heads},
          {"clip_dim", clip_dim},  {"pos_embed_max_len", pos_embed_max_len},
          {"activation", activation}, {"mask_frames", mask_frames},
          {"dropout", dropout}};
  if (cond_every_frame) j["cond_every_frame"] = true;  // absent = MDM's own architecture
  if (text_tokens_dim > 0) j["text_tokens_dim"] = text_tokens_dim;
  if (frame_progress) j["frame_progress"] = true;
  return j;
}

MdmConfig MdmConfig::detect_from_weights(const ShapeMap& shapes, const MdmHints& hints) {
  MdmConfig c;
  const auto& pose = shape_of(shapes, "input_process.poseEmbedding.weight", 2);
  c.latent_dim = pose[0];
  if (hints.nfeats <= 0 || pose[1] % hints.nfeats != 0)
    throw ModelError("MDM weights: " + std::to_string(pose[1]) + " input features are not njoints x nfeats for nfeats " +
                     std::to_string(hints.nfeats));
  c.nfeats = hints.nfeats;
  c.njoints = pose[1] / hints.nfeats;
  c.layers = count_layers(shapes);
  if (c.layers == 0)
    throw ModelError("MDM weights: no " + layer_key(0, "self_attn.in_proj_weight") +
                     " (only MDM's trans_enc architecture is supported)");
  c.ff_size = shape_of(shapes, layer_key(0, "linear1.weight"), 2)[0];
  c.clip_dim = shape_of(shapes, "embed_text.weight", 2, " (only text-conditioned MDMs are supported)")[1];
  if (shapes.count("sequence_pos_encoder.pe")) c.pos_embed_max_len = shape_of(shapes, "sequence_pos_encoder.pe", 3)[0];
  if (shapes.count("embed_text_tokens.weight"))
    c.text_tokens_dim = shape_of(shapes, "embed_text_tokens.weight", 2)[1];
  c.frame_progress = shapes.count("embed_progress.weight") > 0;
  c.num_heads = hints.num_heads;
  c.mask_frames = hints.mask_frames;
  c.validate();
  return c;
}

}  // namespace gen::nn
