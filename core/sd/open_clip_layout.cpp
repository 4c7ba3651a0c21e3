// convert_open_clip: SD 2.x's OpenCLIP text tower -> transformers CLIPTextModel names.
#include <gen/nn/original_layout.h>

#include <gen/error.h>

namespace gen::nn {
namespace {

const std::map<std::string, std::string> kRenames = {
    {"ln_1.", "layer_norm1."},   {"ln_2.", "layer_norm2."},   {"attn.out_proj.", "self_attn.out_proj."},
    {"mlp.c_fc.", "mlp.fc1."},   {"mlp.c_proj.", "mlp.fc2."}};

// One resblock member; the fused in_proj is split into q, k, v (in that order).
void convert_block_tensor(const std::string& layer, const std::string& rest, const torch::Tensor& t, TensorMap& out) {
  if (rest == "attn.in_proj_weight" || rest == "attn.in_proj_bias") {
    const auto parts = t.chunk(3, 0);
    const std::string what = rest == "attn.in_proj_weight" ? ".weight" : ".bias";
    const char* names[] = {"q_proj", "k_proj", "v_proj"};
    for (int i = 0; i < 3; ++i) out[layer + "self_attn." + names[i] + what] = parts[i].contiguous();
    return;
  }
  for (const auto& [from, to] : kRenames)
    if (rest.rfind(from, 0) == 0) {
      out[layer + to + rest.substr(from.size())] = t;
      return;
    }
  throw ModelError("unknown OpenCLIP text tensor '" + rest + "' in layer " + layer);
}

}  // namespace

TensorMap convert_open_clip(const TensorMap& in) {
  TensorMap src;
  for (const auto& [k, t] : in)
    src[k.rfind(kOpenClipPrefix, 0) == 0 ? k.substr(kOpenClipPrefix.size()) : k] = t.to(torch::kFloat32);
  int64_t blocks = 0;
  while (src.count("transformer.resblocks." + std::to_string(blocks) + ".ln_1.weight")) ++blocks;
  if (blocks < 2 || !src.count("token_embedding.weight"))
    throw ModelError("not an OpenCLIP text encoder: token_embedding or transformer.resblocks missing");
  TensorMap out;
  out["text_model.embeddings.token_embedding.weight"] = src.at("token_embedding.weight");
  out["text_model.embeddings.position_embedding.weight"] = src.at("positional_embedding");
  out["text_model.final_layer_norm.weight"] = src.at("ln_final.weight");
  out["text_model.final_layer_norm.bias"] = src.at("ln_final.bias");
  const std::string last = "transformer.resblocks." + std::to_string(blocks - 1) + ".";
  for (const auto& [k, t] : src) {
    if (k.rfind("transformer.resblocks.", 0) != 0 || k.rfind(last, 0) == 0) continue;
    const auto dot = k.find('.', 22);
    const std::string index = k.substr(22, dot - 22);
    convert_block_tensor("text_model.encoder.layers." + index + ".", k.substr(dot + 1), t, out);
  }
  return out;
}

}  // namespace gen::nn
