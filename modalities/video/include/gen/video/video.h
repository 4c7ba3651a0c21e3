// The video value type of gen: 8-bit frames held in one tensor plus their frame rate,
// and the conversions between it and the [-1, 1] float tensors networks work in.
#pragma once
#include <torch/types.h>

#include <gen/export.h>
#include <gen/video/frame_rate.h>

namespace gen::video {

// frames: uint8 [F, H, W, C], C = 1 (gray), 3 (RGB) or 4 (RGBA), contiguous; F >= 1.
struct Video {
  torch::Tensor frames;
  FrameRate fps;
  int64_t frame_count() const { return frames.size(0); }
  int64_t height() const { return frames.size(1); }
  int64_t width() const { return frames.size(2); }
  int64_t channels() const { return frames.size(3); }
  double duration() const { return frame_count() / fps.value(); }  // seconds
};

// Throws gen::Error unless `video` has the layout above (names the offending part).
GEN_API void check_layout(const Video& video);

// float [F, C, H, W] in [-1, 1] (values outside are clamped) -> Video.
GEN_API Video from_signed_float(const torch::Tensor& fchw, FrameRate fps);
// Video -> float [F, C, H, W] in [-1, 1].
GEN_API torch::Tensor to_signed_float(const Video& video);
// Video with `channels` (1, 3 or 4) channels: drops alpha, expands gray, adds opaque alpha.
GEN_API Video with_channels(const Video& video, int channels);

}  // namespace gen::video
