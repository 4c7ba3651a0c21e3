// Prompt -> CLIP embeddings. CLIP sees 77 positions; longer prompts are split into
// chunks of 75 tokens, each framed by BOS/EOS and encoded alone, and the embeddings are
// concatenated along the sequence (the A1111 / stable-diffusion.cpp convention: the
// UNet's cross-attention accepts any context length).
#include <gen/nn/prompt_encoding.h>

#include <spdlog/spdlog.h>

#include <gen/error.h>

namespace gen::nn {
namespace {

using Chunks = std::vector<std::vector<int64_t>>;

torch::Tensor embed(ClipTextModel& clip, const Chunks& chunks, int clip_skip) {
  std::vector<torch::Tensor> parts;
  for (const auto& ids : chunks) {
    auto input = torch::tensor(ids, torch::kInt64).unsqueeze(0);
    // A1111's clip skip 1 is the last layer; the core counts layers skipped (0 = last).
    parts.push_back(clip->encode(input, std::max(clip_skip - 1, 0)));
  }
  return torch::cat(parts, 1);
}

void check_ids(const Chunks& chunks, const ClipTextConfig& config) {
  for (const auto& ids : chunks)
    for (int64_t id : ids)
      if (id < 0 || id >= config.vocab_size)
        throw ModelError("the tokenizer produced id " + std::to_string(id) + " but the text encoder knows only " +
                              std::to_string(config.vocab_size) + " tokens: tokenizer and checkpoint do not match");
}

}  // namespace

PromptEncoding encode_prompts(ClipTextModel& clip, const ClipTokenizer& tokenizer, int sd_version,
                              const std::string& prompt, const std::string& negative, int clip_skip,
                              bool with_uncond) {
  const auto& config = clip->config();
  if (clip_skip > config.num_hidden_layers)
    throw UsageError("option clip_skip=" + std::to_string(clip_skip) + " exceeds the text encoder's " +
                          std::to_string(config.num_hidden_layers) + " layers");
  // SD 1.x (transformers' CLIP) pads with EOS, SD 2.x (OpenCLIP) with 0.
  ClipTokenizerOptions framing;
  framing.max_length = static_cast<int>(config.max_position_embeddings);
  framing.pad_id = sd_version == 2 ? 0 : tokenizer.eos_id();

  PromptEncoding out;
  out.tokens = static_cast<int64_t>(tokenizer.encode(prompt).size());
  auto cond = tokenizer.encode_chunks(prompt, framing);
  auto uncond = with_uncond ? tokenizer.encode_chunks(negative, framing) : Chunks{};
  // Cond and uncond run as one batch, so both need the same number of chunks.
  const size_t chunks = std::max(cond.size(), uncond.size());
  const auto empty = tokenizer.encode_chunks("", framing).front();
  cond.resize(chunks, empty);
  if (with_uncond) uncond.resize(chunks, empty);
  if (chunks > 1)
    spdlog::info("long prompt ({} tokens, negative {}): encoding {} chunks of {} tokens and concatenating them",
                 out.tokens, with_uncond ? tokenizer.encode(negative).size() : 0, chunks, framing.max_length - 2);
  check_ids(cond, config);
  check_ids(uncond, config);
  out.cond = embed(clip, cond, clip_skip);
  if (with_uncond) out.uncond = embed(clip, uncond, clip_skip);
  return out;
}

}  // namespace gen::nn
