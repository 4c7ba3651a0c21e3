#include <gen/nn/clip_text_embedder.h>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/nn/state_dict.h>
#include <gen/safetensors.h>

namespace gen::nn {

ClipTextEmbedderImpl::ClipTextEmbedderImpl(const ClipTextConfig& config, int64_t projection_dim)
    : encoder_(config), projection_dim_(projection_dim) {
  if (projection_dim < 0) throw ModelError("CLIP text projection_dim must be >= 0");
  // Registered under transformers' names: text_model.* and text_projection.weight.
  register_module("text_model", encoder_->text_model);
  if (projection_dim > 0)
    text_projection = register_module(
        "text_projection", torch::nn::Linear(torch::nn::LinearOptions(config.hidden_size, projection_dim).bias(false)));
}

int64_t ClipTextEmbedderImpl::dim() const { return projection_dim_ > 0 ? projection_dim_ : config().hidden_size; }

torch::Tensor ClipTextEmbedderImpl::forward(const torch::Tensor& input_ids) {
  auto pooled = encoder_->forward(input_ids).pooler_output;
  return projection_dim_ > 0 ? text_projection(pooled) : pooled;
}

ClipTextEncoding ClipTextEmbedderImpl::encode(const torch::Tensor& input_ids) {
  auto out = encoder_->forward(input_ids);
  return {out.last_hidden_state, projection_dim_ > 0 ? text_projection(out.pooler_output) : out.pooler_output};
}

torch::Tensor ClipTextEmbedderImpl::embed(const ClipTokenizer& tokenizer, const std::vector<std::string>& prompts) {
  return forward(token_ids(tokenizer, prompts));
}

torch::Tensor ClipTextEmbedderImpl::token_ids(const ClipTokenizer& tokenizer, const std::vector<std::string>& prompts) const {
  ClipTokenizerOptions options;
  options.max_length = static_cast<int>(config().max_position_embeddings);
  options.pad_id = tokenizer.eos_id();
  std::vector<int64_t> ids;
  for (const auto& p : prompts) {
    auto row = tokenizer.encode_padded(p, options);
    for (auto id : row)
      if (id >= config().vocab_size)
        throw ModelError("the tokenizer gives id " + std::to_string(id) + " but the CLIP text model has " +
                         std::to_string(config().vocab_size) + " tokens: tokenizer and text encoder do not match");
    ids.insert(ids.end(), row.begin(), row.end());
  }
  return torch::tensor(ids, torch::kLong).reshape({static_cast<int64_t>(prompts.size()), options.max_length});
}

nlohmann::json ClipTextEmbedderImpl::config_json() const {
  auto j = config().to_json();
  if (projection_dim_ > 0) {
    j["architectures"] = {"CLIPTextModelWithProjection"};
    j["projection_dim"] = projection_dim_;
  }
  return j;
}

ClipTextEmbedder load_clip_text_embedder(const std::filesystem::path& dir) {
  const auto config = ClipTextConfig::from_json_file(dir / "config.json");
  const auto file = SafeTensorsFile::open(find_weights_file(dir, "model"));
  const auto shapes = shapes_in(file);
  const auto projection = shapes.find("text_projection.weight");
  const int64_t projection_dim = projection == shapes.end() ? 0 : projection->second.at(0);
  ClipTextEmbedder embedder(config, projection_dim);
  LoadOptions options;
  options.what = dir.string();
  load_state_dict(*embedder, file, options);
  embedder->eval();
  return embedder;
}

void save_clip_text_embedder(const std::filesystem::path& dir, const ClipTextEmbedder& embedder) {
  save_diffusers_part(dir, embedder->config_json(), *embedder, "model.safetensors");
}

}  // namespace gen::nn
