// A small RGB float canvas with anti-aliased drawing (coverage from the exact distance
// to each shape), enough for stick figures: thick segments with round caps and discs.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

namespace gen::motion::detail {

using Rgb = std::array<float, 3>;  // 0..255

class Canvas {
 public:
  Canvas(int width, int height, Rgb background);
  // A segment `width` pixels wide with round ends, blended with `opacity`.
  void segment(double x0, double y0, double x1, double y1, double width, Rgb color, double opacity = 1);
  void disc(double x, double y, double radius, Rgb color, double opacity = 1);
  // The pixels as uint8 RGB, row-major, into `out` (width * height * 3 bytes).
  void copy_to(uint8_t* out) const;
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  void blend(int x, int y, float alpha, const Rgb& color);
  int width_, height_;
  std::vector<float> pixels_;
};

}  // namespace gen::motion::detail
