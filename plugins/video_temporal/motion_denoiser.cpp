// The motion UNet as a gen::Denoiser over whole clips [B, C, F, h, w]: any core sampler
// and the core's batched CFG run on it unchanged. Clips longer than a context window
// are denoised window by window and blended (context_windows.cpp).
#include "video_temporal.h"

#include <gen/error.h>

namespace video_temporal {

MotionDenoiser::MotionDenoiser(gen::nn::UNetMotionModel model, gen::PredictionType type, int64_t window,
                               int64_t overlap, bool one_clip_at_a_time)
    : model_(std::move(model)), type_(type), window_(window), overlap_(overlap), one_clip_at_a_time_(one_clip_at_a_time) {}

torch::Tensor MotionDenoiser::run(const torch::Tensor& x_t, const torch::Tensor& t, const torch::Tensor& context,
                                  const torch::Tensor& motion_context) {
  if (!one_clip_at_a_time_ || x_t.size(0) == 1) return model_->forward(x_t, t, context, motion_context);
  std::vector<torch::Tensor> parts;
  for (int64_t b = 0; b < x_t.size(0); ++b)
    parts.push_back(model_->forward(x_t.narrow(0, b, 1), t.narrow(0, b, 1), context.narrow(0, b, 1),
                                    motion_context.defined() ? motion_context.narrow(0, b, 1) : motion_context));
  return torch::cat(parts, 0);
}

torch::Tensor MotionDenoiser::predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) {
  if (x_t.dim() != 5) throw gen::Error("video_temporal: the denoiser takes clips [B, C, F, h, w]");
  if (!cond.context.defined()) throw gen::Error("video_temporal: the motion UNet needs the text context");
  const auto steps = t.dim() == 0 ? t.expand({x_t.size(0)}) : t;
  const int64_t frames = x_t.size(2);
  const auto own = cond.extra.find("motion_context");
  const auto motion_context = own == cond.extra.end() ? torch::Tensor() : own->second;
  const auto windows = context_windows(frames, window_, overlap_);
  if (windows.size() == 1) return run(x_t, steps, cond.context, motion_context);
  auto sum = torch::zeros_like(x_t);
  auto total = torch::zeros({frames}, x_t.options());
  const auto w = window_weights(window_).to(x_t.options());
  for (const auto& win : windows) {
    auto out = run(x_t.narrow(2, win.start, win.length), steps, cond.context, motion_context);
    sum.narrow(2, win.start, win.length).add_(out * w.view({1, 1, -1, 1, 1}));
    total.narrow(0, win.start, win.length).add_(w);
  }
  return sum / total.view({1, 1, -1, 1, 1});
}

}  // namespace video_temporal
