// Private: RGB frames -> 8-bit palette frames for GIF through libavfilter. One palette
// of up to 256 colours is computed from the whole clip (palettegen, stats_mode=full),
// then every frame is mapped onto it (paletteuse), so the colours stay put from frame to
// frame and fit the clip instead of a fixed colour cube.
#pragma once
#include <torch/types.h>

#include <gen/video/frame_rate.h>

#include "ffmpeg_util.h"

namespace gen::video::detail {

class PaletteFilter {
 public:
  PaletteFilter(int width, int height, FrameRate fps);
  // rgb: uint8 [H, W, 3] contiguous.
  void push(const torch::Tensor& rgb, int64_t pts);
  // No more frames: the palette can be computed.
  void close();
  // The next paletted frame (AV_PIX_FMT_PAL8, palette in data[1]), or null when done.
  // Frames only come out after close(): the palette needs the whole clip.
  FramePtr pull();

 private:
  FilterGraphPtr graph_;
  AVFilterContext* source_ = nullptr;
  AVFilterContext* sink_ = nullptr;
  int width_, height_;
};

}  // namespace gen::video::detail
