// Writes a CLIP BPE tokenizer (vocab.json + merges.txt, the files real SD checkpoints
// carry) for a list of words: each word becomes one token, and any other text still
// tokenizes through the 256 byte-level symbols. For models trained from scratch on a
// small grammar, and for random-weight test and benchmark models.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gen/export.h>
#include <gen/nn/clip_text_model.h>

namespace gen::nn {

// Writes <dir>/vocab.json and <dir>/merges.txt; verifies every word is one token.
// Returns the vocabulary size (512 byte symbols, the words and their merge steps, BOS, EOS).
GEN_API int64_t write_clip_vocabulary(const std::filesystem::path& dir, const std::vector<std::string>& words);

// The words of `texts` as CLIP's pre-tokenizer splits them: lower-cased runs of ASCII
// letters, and single digits ("F#4" -> "f", "4"); punctuation and other bytes are left to
// the byte-level symbols. Sorted and unique: the list write_clip_vocabulary takes for the
// captions of a dataset.
GEN_API std::vector<std::string> clip_words(const std::vector<std::string>& texts);

// The small tower such a vocabulary feeds in gen's own models: CLIP's layout with a
// feed-forward 4x the width, `positions` tokens (captions are short; the tokenizer
// truncates longer ones). `heads` 0: 64-wide heads where the width allows, else 4.
GEN_API ClipTextConfig word_clip_text_config(int64_t vocab, int64_t width, int64_t layers, int64_t heads,
                                              int64_t positions);

}  // namespace gen::nn
