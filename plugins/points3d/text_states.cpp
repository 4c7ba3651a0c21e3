// The caption as the network sees it: CLIP token ids padded with EOS to the text
// tower's length, then the tower's last hidden states, one per token (the network
// attends to each word rather than one pooled vector, which is what lets it put a
// colour it has seen on a shape it has not seen in that colour).
#include "points3d.h"

namespace points3d {

torch::Tensor caption_ids(const gen::nn::ClipTokenizer& tokenizer, const gen::nn::ClipTextModel& text,
                          const std::vector<std::string>& captions) {
  gen::nn::ClipTokenizerOptions o;
  o.max_length = static_cast<int>(text->config().max_position_embeddings);
  o.pad_id = tokenizer.eos_id();
  std::vector<torch::Tensor> rows;
  for (const auto& caption : captions) rows.push_back(torch::tensor(tokenizer.encode_padded(caption, o), torch::kLong));
  return torch::stack(rows);
}

torch::Tensor text_states(gen::nn::ClipTextModel text, const torch::Tensor& ids) {
  return text->forward(ids).last_hidden_state;
}

}  // namespace points3d
