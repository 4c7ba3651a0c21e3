// Clips for the video tests: smooth gradients with a moving square, so that lossy codecs
// have something realistic to code and frames differ from each other.
#pragma once
#include <torch/types.h>

#include <fstream>
#include <iterator>
#include <ostream>
#include <string>

#include <gen/video/video.h>

namespace gen::video {
// gtest prints rates as "30000/1001" instead of their bytes.
inline void PrintTo(const FrameRate& rate, std::ostream* out) { *out << rate.to_string(); }
}  // namespace gen::video

namespace gen::test {

// uint8 [F, H, W, channels]: a diagonal gradient that drifts with time and a 1/4-size
// square moving to the right.
inline video::Video test_clip(int64_t frames, int64_t height, int64_t width, video::FrameRate fps = {24, 1},
                              int64_t channels = 3) {
  auto y = torch::linspace(0, 1, height).view({1, height, 1});
  auto x = torch::linspace(0, 1, width).view({1, 1, width});
  auto t = torch::linspace(0, 1, frames).view({frames, 1, 1});
  auto r = (40 + 170 * x + 0 * y + 30 * t).expand({frames, height, width});
  auto g = (60 + 150 * y + 0 * x).expand({frames, height, width});
  auto b = (200 - 120 * (x + y) / 2 + 40 * t).expand({frames, height, width});
  auto rgb = torch::stack({r, g, b}, 3).clone();
  const int64_t side = std::max<int64_t>(1, std::min(height, width) / 4);
  for (int64_t f = 0; f < frames; ++f) {
    const int64_t left = frames > 1 ? f * (width - side) / (frames - 1) : 0;
    rgb[f].narrow(0, (height - side) / 2, side).narrow(1, left, side).copy_(torch::tensor({230.0, 50.0, 40.0}));
  }
  auto pixels = rgb.round().clamp(0, 255).to(torch::kUInt8);
  if (channels == 1) pixels = pixels.to(torch::kFloat32).mean(3, true).round().to(torch::kUInt8);
  if (channels == 4) pixels = torch::cat({pixels, torch::full({frames, height, width, 1}, 255, torch::kUInt8)}, 3);
  return {pixels.contiguous(), fps};
}

// Mean absolute difference of two uint8 tensors of one shape, in levels.
inline double mean_abs_error(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kFloat32) - b.to(torch::kFloat32)).abs().mean().item<double>();
}

inline std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace gen::test
