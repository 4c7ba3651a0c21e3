#include "caption_words.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace gen::humans {

std::vector<std::string> caption_words(const std::string& caption) {
  std::vector<std::string> words;
  std::string word;
  for (const char ch : caption) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 128 && std::isalnum(c)) {
      word += static_cast<char>(std::tolower(c));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

WordVocabulary::WordVocabulary(std::vector<std::string> words) : words_(std::move(words)) {
  std::sort(words_.begin(), words_.end());
  words_.erase(std::unique(words_.begin(), words_.end()), words_.end());
}

WordVocabulary WordVocabulary::of_captions(const std::vector<std::string>& captions) {
  std::set<std::string> all;
  for (const auto& c : captions)
    for (auto& w : caption_words(c)) all.insert(std::move(w));
  return WordVocabulary({all.begin(), all.end()});
}

std::pair<torch::Tensor, torch::Tensor> WordVocabulary::encode(const std::vector<std::string>& captions,
                                                               int max_words) const {
  const auto n = static_cast<int64_t>(captions.size());
  auto tokens = torch::full({n, max_words}, kPad, torch::kInt64);
  auto lengths = torch::ones({n}, torch::kInt64);
  auto t = tokens.accessor<int64_t, 2>();
  for (int64_t i = 0; i < n; ++i) {
    const auto words = caption_words(captions[static_cast<size_t>(i)]);
    int64_t k = 0;
    for (; k < std::min<int64_t>(max_words, static_cast<int64_t>(words.size())); ++k) {
      const auto it = std::lower_bound(words_.begin(), words_.end(), words[static_cast<size_t>(k)]);
      t[i][k] = it != words_.end() && *it == words[static_cast<size_t>(k)] ? (it - words_.begin()) + 2 : kUnknown;
    }
    // An empty caption is one unknown word, so every caption has something to attend to.
    if (k == 0) t[i][0] = kUnknown, k = 1;
    lengths[i] = k;
  }
  return {tokens, lengths};
}

}  // namespace gen::humans
