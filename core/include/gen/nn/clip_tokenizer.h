// CLIP byte-level BPE tokenizer, as Stable Diffusion uses it (transformers' slow
// CLIPTokenizer with ftfy installed, which equals openai's SimpleTokenizer).
// Text is cleaned (an ftfy subset, whitespace collapse, lowercase), split by CLIP's
// regex, mapped to byte-unicode symbols and merged by BPE rank.
// No LibTorch here: ids are plain int64 vectors, ready for torch::tensor().
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gen/export.h>

namespace gen::nn {

// openai's bytes_to_unicode, indexed by byte: printable latin-1 bytes stand for
// themselves, the other 68 map to U+0100.. in byte order (UTF-8 encoded), so every BPE
// symbol is a visible character.
GEN_API std::array<std::string, 256> clip_byte_symbols();
// The bytes clip_byte_symbols keeps as themselves ('!'..'~', 0xA1..0xAC, 0xAE..0xFF).
GEN_API bool clip_byte_is_printable(unsigned byte);

struct ClipTokenizerOptions {
  int max_length = 77;      // BOS + up to max_length - 2 tokens + EOS, then padding
  int64_t pad_id = 49407;   // SD-1.x pads with EOS; SD-2.x (OpenCLIP) and clip.tokenize pad with 0
};

class GEN_API ClipTokenizer {
 public:
  // vocab.json (token → id) and merges.txt ("#version" header + one "a b" merge per line).
  // A missing, unreadable or malformed file is a gen::InputError naming the file.
  static ClipTokenizer from_files(const std::filesystem::path& vocab_json,
                                  const std::filesystem::path& merges_txt);
  // A diffusers/transformers tokenizer/ folder: vocab.json + merges.txt.
  static ClipTokenizer from_folder(const std::filesystem::path& dir);

  // What the regex/BPE stage sees: ftfy-style repairs, whitespace runs → one space,
  // stripped, Unicode lowercase (UTF-8 in, UTF-8 out).
  std::string clean(std::string_view text) const;
  // Token strings in byte-unicode form ("photo</w>"); special tokens verbatim.
  std::vector<std::string> bpe_tokens(std::string_view text) const;
  // Token ids without BOS/EOS and without truncation.
  std::vector<int64_t> encode(std::string_view text) const;
  // max_length ids: BOS + the first max_length - 2 tokens + EOS + pad (transformers'
  // padding="max_length", truncation=True).
  std::vector<int64_t> encode_padded(std::string_view text, const ClipTokenizerOptions& options = {}) const;
  // Long prompts: tokens split into chunks of max_length - 2, each BOS + chunk + EOS +
  // pad (the SD webui / stable-diffusion.cpp convention). Always at least one chunk.
  std::vector<std::vector<int64_t>> encode_chunks(std::string_view text,
                                                  const ClipTokenizerOptions& options = {}) const;

  int64_t bos_id() const;
  int64_t eos_id() const;
  size_t vocab_size() const;

  struct Impl;

 private:
  explicit ClipTokenizer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;  // shared by copies; read-only apart from a locked word cache
};

}  // namespace gen::nn
