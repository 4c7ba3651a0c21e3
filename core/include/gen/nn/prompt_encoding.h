// Prompt -> CLIP embeddings for Stable Diffusion UNets, long prompts in 77-token chunks.
#pragma once
#include <cstdint>
#include <string>

#include <torch/types.h>

#include <gen/export.h>
#include <gen/nn/clip_text_model.h>
#include <gen/nn/clip_tokenizer.h>

namespace gen::nn {

struct PromptEncoding {
  torch::Tensor cond;    // [1, chunks * 77, D]
  torch::Tensor uncond;  // same shape; undefined when guidance is off
  int64_t tokens = 0;    // prompt tokens (without BOS/EOS)
};

// sd_version 1 pads with EOS (transformers' CLIP), 2 with 0 (OpenCLIP). clip_skip follows
// A1111: 0 or 1 = last layer, 2 = penultimate. Throws gen::UsageError for a clip_skip
// beyond the encoder's layers, gen::ModelError when tokenizer and encoder do not match.
GEN_API PromptEncoding encode_prompts(ClipTextModel& text_encoder, const ClipTokenizer& tokenizer, int sd_version,
                                      const std::string& prompt, const std::string& negative, int clip_skip,
                                      bool with_uncond);

}  // namespace gen::nn
