// The text judge's own tokenizer: a caption is its lower-case words (runs of ASCII
// letters and digits), each an index into a vocabulary of the training captions' words.
// Deliberately not a generator's tokenizer (CLIP BPE): a judge shares nothing with
// what it judges.
#pragma once
#include <string>
#include <vector>

#include <torch/types.h>

namespace gen::humans {

std::vector<std::string> caption_words(const std::string& caption);

class WordVocabulary {
 public:
  static constexpr int64_t kPad = 0, kUnknown = 1;
  WordVocabulary() = default;
  // "<pad>", "<unk>", then `words` (sorted, unique): a saved vocabulary read back.
  explicit WordVocabulary(std::vector<std::string> words);
  // Every word of the captions, sorted, so the vocabulary depends on the set only.
  static WordVocabulary of_captions(const std::vector<std::string>& captions);

  // Token indices int64 [N, L] (0-padded, at most max_words each) and lengths int64 [N].
  std::pair<torch::Tensor, torch::Tensor> encode(const std::vector<std::string>& captions, int max_words) const;
  const std::vector<std::string>& words() const { return words_; }  // without <pad>, <unk>
  int64_t size() const { return static_cast<int64_t>(words_.size()) + 2; }

 private:
  std::vector<std::string> words_;
};

}  // namespace gen::humans
