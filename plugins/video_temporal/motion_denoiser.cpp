// The motion UNet as a gen::Denoiser over whole clips [B, C, F, h, w]: any core sampler
// and the core's batched CFG run on it unchanged. Clips longer than a context window
// are denoised window by window and blended (context_windows.cpp).
#include "video_temporal.h"

#include <gen/error.h>

namespace video_temporal {

MotionDenoiser::MotionDenoiser(gen::nn::UNetMotionModel model, gen::PredictionType type, int64_t window,
                               int64_t overlap, bool one_clip_at_a_time)
    : model_(std::move(model)), type_(type), window_(window), overlap_(overlap), one_clip_at_a_time_(one_clip_at_a_time) {}

namespace {

// The text of frames [start, start + length) of each clip: context is one text per clip
// [B, M, D], or one per frame [B * frames, M, D] (prompt travel).
torch::Tensor frames_text(const torch::Tensor& context, int64_t clips, int64_t frames, int64_t start, int64_t length) {
  if (context.size(0) != clips * frames || (start == 0 && length == frames)) return context;
  return context.view({clips, frames, context.size(1), context.size(2)})
      .narrow(1, start, length)
      .reshape({clips * length, context.size(1), context.size(2)});
}

}  // namespace

torch::Tensor MotionDenoiser::run(const torch::Tensor& x_t, const torch::Tensor& t, const torch::Tensor& context,
                                  const torch::Tensor& motion_context) {
  if (!one_clip_at_a_time_ || x_t.size(0) == 1) return model_->forward(x_t, t, context, motion_context);
  const int64_t clips = x_t.size(0), per_clip = context.size(0) / clips;  // 1, or frames with prompt travel
  std::vector<torch::Tensor> parts;
  for (int64_t b = 0; b < clips; ++b)
    parts.push_back(model_->forward(x_t.narrow(0, b, 1), t.narrow(0, b, 1), context.narrow(0, b * per_clip, per_clip),
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
  const int64_t clips = x_t.size(0);
  if (cond.context.size(0) != clips && cond.context.size(0) != clips * frames)
    throw gen::Error("video_temporal: the text context has " + std::to_string(cond.context.size(0)) +
                     " rows for " + std::to_string(clips) + " clips of " + std::to_string(frames) + " frames");
  const auto windows = context_windows(frames, window_, overlap_);
  if (windows.size() == 1) return run(x_t, steps, cond.context, motion_context);
  auto sum = torch::zeros_like(x_t);
  auto total = torch::zeros({frames}, x_t.options());
  const auto w = window_weights(window_).to(x_t.options());
  for (const auto& win : windows) {
    auto out = run(x_t.narrow(2, win.start, win.length), steps,
                   frames_text(cond.context, clips, frames, win.start, win.length), motion_context);
    sum.narrow(2, win.start, win.length).add_(out * w.view({1, 1, -1, 1, 1}));
    total.narrow(0, win.start, win.length).add_(w);
  }
  return sum / total.view({1, 1, -1, 1, 1});
}

}  // namespace video_temporal
