// CLIP text encoder (transformers' CLIPTextModel): token + position embeddings,
// pre-LayerNorm transformer layers with a causal mask, final_layer_norm and the
// pooled output. Registered names are transformers' (text_model.encoder.layers.0...).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <torch/nn/module.h>
#include <torch/types.h>

#include <gen/export.h>
#include <gen/nn/state_dict.h>

namespace gen::nn {

struct GEN_API ClipTextConfig {
  int64_t vocab_size = 49408;
  int64_t hidden_size = 768;
  int64_t intermediate_size = 3072;
  int64_t num_hidden_layers = 12;
  int64_t num_attention_heads = 12;
  int64_t max_position_embeddings = 77;
  std::string hidden_act = "quick_gelu";  // SD 1.x; SD 2.x (OpenCLIP) uses "gelu"
  double layer_norm_eps = 1e-5;
  // eos_token_id == 2 (every SD config) selects the legacy pooling rule: argmax of the ids.
  int64_t eos_token_id = 2;
  int64_t bos_token_id = 0;
  int64_t pad_token_id = 1;

  void validate() const;
  static ClipTextConfig from_json(const nlohmann::json& j);
  static ClipTextConfig from_json_file(const std::filesystem::path& path);
  nlohmann::json to_json() const;  // transformers config.json
  // From transformers names (text_model.*, optionally behind "cond_stage_model.transformer.").
  // Heads are not stored: 64-wide heads are assumed (true for CLIP ViT-L and OpenCLIP ViT-H).
  static ClipTextConfig detect_from_weights(const ShapeMap& shapes);
};

struct ClipTextOutput {
  torch::Tensor last_hidden_state;           // [B, L, hidden], after final_layer_norm
  torch::Tensor pooler_output;               // [B, hidden]
  std::vector<torch::Tensor> hidden_states;  // embeddings, then each layer (before final_layer_norm)
};

class GEN_API ClipTextModelImpl : public torch::nn::Module {
 public:
  explicit ClipTextModelImpl(const ClipTextConfig& config);

  // input_ids int64 [B, L]; attention_mask optional [B, L] of 1 (keep) / 0 (pad).
  // SD pipelines pass no mask: the causal mask is always applied.
  ClipTextOutput forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask = {});

  // "clip skip": 0 = last_hidden_state; k > 0 = final_layer_norm(hidden_states[-(k+1)]).
  torch::Tensor encode(const torch::Tensor& input_ids, int64_t clip_skip = 0);

  // Position whose hidden state is pooled, per batch item.
  torch::Tensor pooled_positions(const torch::Tensor& input_ids) const;

  const ClipTextConfig& config() const { return config_; }
  std::shared_ptr<torch::nn::Module> text_model;

 private:
  ClipTextConfig config_;
};
TORCH_MODULE(ClipTextModel);

}  // namespace gen::nn
