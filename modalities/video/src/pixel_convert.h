// Private: RGB <-> YUV through libswscale, with BT.709 coefficients in limited range
// (what the writers tag their streams with) and bit-exact rounding, so the bytes do not
// depend on which SIMD path the CPU takes.
#pragma once
#include <torch/types.h>

#include "ffmpeg_util.h"

namespace gen::video::detail {

// RGB24 frames of one size -> frames of `format` (yuv420p) of the same size.
class RgbToYuv {
 public:
  RgbToYuv(int width, int height, AVPixelFormat format);
  // rgb: uint8 [H, W, 3] contiguous. The returned frame is owned by the caller.
  FramePtr convert(const torch::Tensor& rgb, int64_t pts) const;

 private:
  int width_, height_;
  AVPixelFormat format_;
  SwsPtr sws_;
};

// Decoded frames of any format and size -> RGB24 of a fixed size (the first frame's).
class FrameToRgb {
 public:
  FrameToRgb(int width, int height) : width_(width), height_(height) {}
  ~FrameToRgb() { sws_freeContext(sws_); }
  FrameToRgb(const FrameToRgb&) = delete;
  FrameToRgb& operator=(const FrameToRgb&) = delete;
  // uint8 [H, W, 3] of the size given to the constructor.
  torch::Tensor convert(const AVFrame& frame);

 private:
  int width_, height_;
  SwsContext* sws_ = nullptr;  // sws_getCachedContext reuses it while the input stays alike
};

}  // namespace gen::video::detail
