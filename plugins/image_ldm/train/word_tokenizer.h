// A CLIP BPE tokenizer (vocab.json + merges.txt, the files real SD checkpoints carry)
// whose vocabulary is the caption grammar's words: each word becomes one token, and
// any other text still tokenizes through the 256 byte-level symbols.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace image_ldm {

// Writes <dir>/vocab.json and <dir>/merges.txt; verifies every word is one token.
// Returns the vocabulary size.
int64_t write_word_tokenizer(const std::filesystem::path& dir, const std::vector<std::string>& words);

}  // namespace image_ldm
