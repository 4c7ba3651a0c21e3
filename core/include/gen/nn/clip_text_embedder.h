// One vector per prompt from a CLIP text tower: the pooled (EOS) state, through
// text_projection when the checkpoint has one. That is transformers'
// CLIPTextModelWithProjection — what OpenAI CLIP's encode_text returns, and the text
// condition of MDM — for networks that take a sentence embedding rather than the
// per-token states an SD UNet attends to.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>

#include <gen/export.h>
#include <gen/nn/clip_text_model.h>
#include <gen/nn/clip_tokenizer.h>

namespace gen::nn {

// Both readings of one pass: what a UNet cross-attends to and the sentence vector.
struct ClipTextEncoding {
  torch::Tensor states;  // [B, L, hidden]: last_hidden_state (after final_layer_norm)
  torch::Tensor pooled;  // [B, dim()]: forward()'s result
};

class GEN_API ClipTextEmbedderImpl : public torch::nn::Module {
 public:
  // projection_dim 0: no projection, the pooled state itself.
  ClipTextEmbedderImpl(const ClipTextConfig& config, int64_t projection_dim);
  torch::Tensor forward(const torch::Tensor& input_ids);  // int64 [B, L] -> [B, dim()]
  ClipTextEncoding encode(const torch::Tensor& input_ids);
  // Prompts through `tokenizer` (max_position_embeddings ids each, truncated) -> [B, dim()].
  torch::Tensor embed(const ClipTokenizer& tokenizer, const std::vector<std::string>& prompts);
  // The ids embed() feeds forward(): int64 [B, max_position_embeddings], padded with EOS.
  // gen::ModelError when the tokenizer's ids do not fit the tower's vocabulary.
  torch::Tensor token_ids(const ClipTokenizer& tokenizer, const std::vector<std::string>& prompts) const;
  int64_t dim() const;
  int64_t projection_dim() const { return projection_dim_; }
  const ClipTextConfig& config() const { return encoder_->config(); }
  // The config.json of a transformers CLIPTextModel[WithProjection] folder.
  nlohmann::json config_json() const;

  torch::nn::Linear text_projection{nullptr};

 private:
  ClipTextModel encoder_{nullptr};  // its text_model is registered here as "text_model"
  int64_t projection_dim_ = 0;
};
TORCH_MODULE(ClipTextEmbedder);

// A transformers folder (config.json + model.safetensors), with a projection when the
// weights hold text_projection.weight. Refuses mismatched weights with a gen::ModelError.
GEN_API ClipTextEmbedder load_clip_text_embedder(const std::filesystem::path& dir);
// The inverse: config.json + model.safetensors with F16 weights.
GEN_API void save_clip_text_embedder(const std::filesystem::path& dir, const ClipTextEmbedder& embedder);

}  // namespace gen::nn
