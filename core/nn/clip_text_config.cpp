// ClipTextConfig: from transformers' config.json or from checkpoint shapes.
#include <gen/nn/clip_text_model.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include <gen/error.h>

namespace gen::nn {

void ClipTextConfig::validate() const {
  if (hidden_size <= 0 || num_attention_heads <= 0 || hidden_size % num_attention_heads != 0)
    throw ModelError("CLIP config: hidden_size " + std::to_string(hidden_size) + " is not divisible by " +
                     std::to_string(num_attention_heads) + " heads");
  if (hidden_act != "quick_gelu" && hidden_act != "gelu")
    throw ModelError("CLIP config: hidden_act '" + hidden_act + "' is not supported (quick_gelu, gelu)");
}

ClipTextConfig ClipTextConfig::from_json(const nlohmann::json& raw) {
  // A full CLIPModel config nests the text part under text_config.
  const auto& j = raw.contains("text_config") ? raw["text_config"] : raw;
  ClipTextConfig c;
  c.vocab_size = j.value("vocab_size", c.vocab_size);
  c.hidden_size = j.value("hidden_size", c.hidden_size);
  c.intermediate_size = j.value("intermediate_size", c.intermediate_size);
  c.num_hidden_layers = j.value("num_hidden_layers", c.num_hidden_layers);
  c.num_attention_heads = j.value("num_attention_heads", c.num_attention_heads);
  c.max_position_embeddings = j.value("max_position_embeddings", c.max_position_embeddings);
  c.hidden_act = j.value("hidden_act", c.hidden_act);
  c.layer_norm_eps = j.value("layer_norm_eps", c.layer_norm_eps);
  c.eos_token_id = j.value("eos_token_id", c.eos_token_id);
  c.bos_token_id = j.value("bos_token_id", c.bos_token_id);
  c.pad_token_id = j.value("pad_token_id", c.pad_token_id);
  c.validate();
  return c;
}

nlohmann::json ClipTextConfig::to_json() const {
  return {{"architectures", {"CLIPTextModel"}},
          {"model_type", "clip_text_model"},
          {"vocab_size", vocab_size},
          {"hidden_size", hidden_size},
          {"intermediate_size", intermediate_size},
          {"num_hidden_layers", num_hidden_layers},
          {"num_attention_heads", num_attention_heads},
          {"max_position_embeddings", max_position_embeddings},
          {"hidden_act", hidden_act},
          {"layer_norm_eps", layer_norm_eps},
          {"eos_token_id", eos_token_id},
          {"bos_token_id", bos_token_id},
          {"pad_token_id", pad_token_id}};
}

ClipTextConfig ClipTextConfig::from_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot open CLIP config " + path.string());
  try {
    return from_json(nlohmann::json::parse(in));
  } catch (const nlohmann::json::exception& e) {
    throw InputError("CLIP config " + path.string() + " is not valid: " + e.what());
  }
}

ClipTextConfig ClipTextConfig::detect_from_weights(const ShapeMap& shapes) {
  std::string prefix;
  for (const auto& [k, v] : shapes) {
    auto at = k.find("text_model.embeddings.token_embedding.weight");
    if (at != std::string::npos) prefix = k.substr(0, at) + "text_model.";
  }
  if (prefix.empty()) throw ModelError("cannot infer the CLIP text encoder: no text_model.embeddings.token_embedding");
  auto at = [&](const std::string& k) -> const std::vector<int64_t>& {
    auto it = shapes.find(prefix + k);
    if (it == shapes.end()) throw ModelError("cannot infer the CLIP text encoder: tensor '" + prefix + k + "' is missing");
    return it->second;
  };
  ClipTextConfig c;
  c.vocab_size = at("embeddings.token_embedding.weight")[0];
  c.hidden_size = at("embeddings.token_embedding.weight")[1];
  c.max_position_embeddings = at("embeddings.position_embedding.weight")[0];
  c.intermediate_size = at("encoder.layers.0.mlp.fc1.weight")[0];
  c.num_hidden_layers = 0;
  while (shapes.count(prefix + "encoder.layers." + std::to_string(c.num_hidden_layers) + ".mlp.fc1.weight"))
    ++c.num_hidden_layers;
  c.num_attention_heads = std::max<int64_t>(c.hidden_size / 64, 1);
  c.hidden_act = c.hidden_size == 1024 ? "gelu" : "quick_gelu";  // OpenCLIP ViT-H (SD 2.x) vs CLIP ViT-L
  c.validate();
  return c;
}

}  // namespace gen::nn
