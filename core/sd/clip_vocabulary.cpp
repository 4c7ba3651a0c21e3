#include <gen/nn/clip_vocabulary.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/nn/clip_tokenizer.h>

namespace gen::nn {
namespace {

// CLIP's vocabulary lists the byte-level alphabet with the printable bytes first, then
// the remapped ones, each group in byte order.
std::vector<std::string> vocabulary_byte_symbols() {
  const auto table = clip_byte_symbols();
  std::vector<std::string> out;
  for (unsigned b = 0; b < 256; ++b)
    if (clip_byte_is_printable(b)) out.push_back(table[b]);
  for (unsigned b = 0; b < 256; ++b)
    if (!clip_byte_is_printable(b)) out.push_back(table[b]);
  return out;
}

// BPE on one word (characters, the last with </w>): merge the lowest-ranked pair until
// none applies.
std::vector<std::string> segment(const std::string& word,
                                 const std::map<std::pair<std::string, std::string>, size_t>& rank) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < word.size(); ++i) parts.push_back(std::string(1, word[i]) + (i + 1 == word.size() ? "</w>" : ""));
  while (parts.size() > 1) {
    size_t best = parts.size(), best_rank = SIZE_MAX;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      auto it = rank.find({parts[i], parts[i + 1]});
      if (it != rank.end() && it->second < best_rank) best = i, best_rank = it->second;
    }
    if (best == parts.size()) break;
    parts[best] += parts[best + 1];
    parts.erase(parts.begin() + static_cast<long>(best) + 1);
  }
  return parts;
}

}  // namespace

int64_t write_clip_vocabulary(const std::filesystem::path& dir, const std::vector<std::string>& words) {
  std::filesystem::create_directories(dir);
  nlohmann::ordered_json vocab;
  int64_t id = 0;
  for (const auto& s : vocabulary_byte_symbols()) vocab[s] = id++;
  for (const auto& s : vocabulary_byte_symbols()) vocab[s + "</w>"] = id++;
  // Word by word: segment the word with the merges so far (as BPE will), then add
  // merges gluing those segments left to right. The new merges rank after all
  // existing ones, so BPE reproduces the segmentation and then completes the word.
  std::vector<std::pair<std::string, std::string>> merges;
  std::map<std::pair<std::string, std::string>, size_t> rank;
  for (const auto& w : words) {
    auto parts = segment(w, rank);
    std::string prefix = parts[0];
    for (size_t i = 1; i < parts.size(); ++i) {
      if (rank.emplace(std::make_pair(prefix, parts[i]), merges.size()).second) merges.emplace_back(prefix, parts[i]);
      prefix += parts[i];
      if (!vocab.contains(prefix)) vocab[prefix] = id++;
    }
  }
  vocab["<|startoftext|>"] = id++;
  vocab["<|endoftext|>"] = id++;
  std::string merges_text = "#version: 0.2\n";
  for (const auto& [a, b] : merges) merges_text += a + " " + b + "\n";
  write_file_atomic(dir / "vocab.json", vocab.dump() + "\n");
  write_file_atomic(dir / "merges.txt", merges_text);

  auto tokenizer = ClipTokenizer::from_folder(dir);
  for (const auto& w : words)
    if (tokenizer.encode(w).size() != 1) throw Error("clip vocabulary: '" + w + "' is not a single token");
  return id;
}

std::vector<std::string> clip_words(const std::vector<std::string>& texts) {
  std::set<std::string> words;
  for (const auto& text : texts) {
    std::string run;
    for (char c : text + " ") {
      const auto u = static_cast<unsigned char>(c);
      if (u < 128 && std::isalpha(u)) {
        run += static_cast<char>(std::tolower(u));
        continue;
      }
      if (!run.empty()) words.insert(run);
      run.clear();
      if (u < 128 && std::isdigit(u)) words.insert(std::string(1, c));
    }
  }
  return {words.begin(), words.end()};
}

ClipTextConfig word_clip_text_config(int64_t vocab, int64_t width, int64_t layers, int64_t heads, int64_t positions) {
  ClipTextConfig c;
  c.vocab_size = vocab;
  c.hidden_size = width;
  c.intermediate_size = 4 * width;
  c.num_hidden_layers = layers;
  c.num_attention_heads = heads > 0 ? heads : width % 64 == 0 ? width / 64 : 4;
  c.max_position_embeddings = positions;
  c.validate();
  return c;
}

}  // namespace gen::nn
