// Prompts -> the UNet's condition. The class labels as AudioLDMPipeline._encode_prompt
// makes them: the text tower's projected pooled embedding, L2-normalised, and the same of
// the negative prompt ("" when none) for the unconditional half of CFG. For UNets that
// attend to the text, also the tower's token states (padded to its positions, so prompt
// and negative batch together), followed by the prompt's note names when the model reads
// them (note_context.cpp).
#include <gen/error.h>
#include <gen/safetensors.h>

#include <torch/nn/functional/normalization.h>

#include "audio_spectrogram.h"

namespace audio_spectrogram {
namespace fs = std::filesystem;

namespace {

torch::Tensor normalized(const torch::Tensor& x) {
  return torch::nn::functional::normalize(x, torch::nn::functional::NormalizeFuncOptions().dim(-1));
}

torch::Tensor embedding_row(const std::map<std::string, torch::Tensor>& tensors, const std::string& key,
                            const std::string& file) {
  const auto& t = tensors.at(key);
  if (!(t.dim() == 1 || (t.dim() == 2 && t.size(0) == 1)) || t.numel() == 0 || !t.is_floating_point())
    throw gen::InputError(file + ": \"" + key + "\" must be one embedding, float [D] or [1, D]");
  auto row = t.to(torch::kFloat32).reshape({1, -1});
  if (!torch::isfinite(row).all().item<bool>()) throw gen::InputError(file + ": \"" + key + "\" holds NaN or Inf");
  return row;
}

}  // namespace

TextCondition::TextCondition(const AudioModelFiles& files, const AudioOptions& o)
    : text_states_(files.text_states), note_slots_(files.note_slots) {
  if (!o.prompt_embedding.empty()) {
    const auto tensors = gen::load_safetensors(o.prompt_embedding);
    if (!tensors.count("prompt"))
      throw gen::InputError(o.prompt_embedding + " has no \"prompt\" tensor (the prompt's text embedding)");
    prompt_ = embedding_row(tensors, "prompt", o.prompt_embedding);
    if (tensors.count("negative")) negative_ = embedding_row(tensors, "negative", o.prompt_embedding);
    if (negative_.defined() && negative_.size(1) != prompt_.size(1))
      throw gen::InputError(o.prompt_embedding + ": \"prompt\" and \"negative\" differ in width");
    source_ = o.prompt_embedding;
    return;
  }
  if (files.text_model_type.empty())
    throw gen::ModelError(files.dir.string() + " has no text_encoder/; pass -O prompt_embedding=FILE");
  if (files.text_model_type != "clip")
    throw gen::ModelError(files.dir.string() + "/text_encoder is a " + files.text_model_type +
                          " text tower, which gen does not run (AudioLDM's CLAP is RoBERTa); compute the prompt's "
                          "embedding with transformers and pass -O prompt_embedding=FILE (docs/audio.md)");
  const fs::path tokenizer = o.tokenizer.empty() ? files.dir / "tokenizer" : fs::path(o.tokenizer);
  std::error_code ec;
  if (!fs::is_regular_file(tokenizer / "vocab.json", ec))
    throw gen::ModelError("no tokenizer (vocab.json + merges.txt) in " + tokenizer.string() + "; pass -O tokenizer=DIR");
  tokenizer_ = gen::nn::ClipTokenizer::from_folder(tokenizer);
  encoder_ = gen::nn::load_clip_text_embedder(files.dir / "text_encoder");
  source_ = (files.dir / "text_encoder").string();
  if (text_states_ && encoder_->config().hidden_size != files.unet.cross_attention_dim)
    throw gen::ModelError(source_ + " gives token states " + std::to_string(encoder_->config().hidden_size) +
                          " wide but the UNet attends to " + std::to_string(files.unet.cross_attention_dim) +
                          "-wide text");
}

gen::Conditioning TextCondition::encode(const std::string& prompt) {
  torch::NoGradGuard no_grad;
  const auto both = encoder_->encode(encoder_->token_ids(*tokenizer_, {prompt}));
  gen::Conditioning c;
  c.pooled = normalized(both.pooled);
  if (text_states_) c.context = both.states;
  if (note_slots_ > 0)
    c.context = torch::cat({c.context, note_context(prompt, note_slots_, c.context.size(2)).to(c.context.dtype())}, 1);
  return c;
}

gen::Conditioning TextCondition::embed(const std::string& prompt) {
  if (!prompt_.defined()) return encode(prompt);
  gen::Conditioning c;
  c.pooled = normalized(prompt_);
  return c;
}

gen::Conditioning TextCondition::embed_negative(const std::string& negative_prompt) {
  if (!prompt_.defined()) return encode(negative_prompt);
  if (!negative_prompt.empty() && !negative_.defined())
    throw gen::UsageError("-n needs the negative prompt's embedding as \"negative\" in -O prompt_embedding");
  // Without a stored negative the unconditional half is the zero vector (no text at all).
  gen::Conditioning c;
  c.pooled = negative_.defined() ? normalized(negative_) : torch::zeros_like(prompt_);
  return c;
}

}  // namespace audio_spectrogram
