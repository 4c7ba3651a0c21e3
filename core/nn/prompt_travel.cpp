#include <gen/nn/prompt_travel.h>

#include <string>

#include <torch/nn/functional/activation.h>

#include <gen/error.h>
#include <gen/nn/spatial_positions.h>

namespace gen::nn {

int64_t prompt_travel_frame_features() { return 2 * kSpatialFrequencies; }

PromptTravelImpl::PromptTravelImpl(int64_t text_width, int64_t caption_width, int64_t hidden)
    : text_width_(text_width), caption_width_(caption_width) {
  if (text_width <= 0 || caption_width <= 0 || hidden <= 0)
    throw ModelError("prompt travel: text, caption and hidden widths must be positive");
  in = register_module("in", torch::nn::Linear(text_width + caption_width + prompt_travel_frame_features(), hidden));
  mid = register_module("mid", torch::nn::Linear(hidden, hidden));
  out = register_module("out", torch::nn::Linear(hidden, text_width));
}

torch::Tensor PromptTravelImpl::forward(const torch::Tensor& states, const torch::Tensor& caption, int64_t num_frames) {
  if (states.dim() != 3 || states.size(2) != text_width_ || num_frames <= 0 || states.size(0) % num_frames != 0)
    throw UsageError("prompt travel: text states must be [B*F, M, " + std::to_string(text_width_) + "] for " +
                     std::to_string(num_frames) + "-frame clips");
  if (caption.dim() != 3 || caption.size(0) != states.size(0) || caption.size(2) != caption_width_)
    throw UsageError("prompt travel: the caption states must be [B*F, M', " + std::to_string(caption_width_) + "]");
  const int64_t n = states.size(0), tokens = states.size(1);
  const auto frame = axis_fourier_features(num_frames).to(states.options()).repeat({n / num_frames, 1});
  const auto pooled = caption.mean(1);
  auto x = torch::cat({states, pooled.unsqueeze(1).expand({n, tokens, caption_width_}),
                       frame.unsqueeze(1).expand({n, tokens, frame.size(1)})},
                      2);
  x = torch::silu(in(x));
  x = torch::silu(mid(x));
  return states + out(x);
}

}  // namespace gen::nn
