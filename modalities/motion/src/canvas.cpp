#include "canvas.h"

#include <algorithm>
#include <cmath>

namespace gen::motion::detail {
namespace {

// A pixel index from any coordinate (far outside ones included), clamped to [0, last].
int clamp_index(double v, int last) { return int(std::clamp(v, 0.0, double(last))); }

}  // namespace

Canvas::Canvas(int width, int height, Rgb background) : width_(width), height_(height), pixels_(size_t(width) * height * 3) {
  for (size_t i = 0; i < pixels_.size(); i += 3) std::copy(background.begin(), background.end(), pixels_.begin() + i);
}

void Canvas::blend(int x, int y, float alpha, const Rgb& color) {
  float* p = &pixels_[(size_t(y) * width_ + x) * 3];
  for (int c = 0; c < 3; ++c) p[c] += alpha * (color[c] - p[c]);
}

void Canvas::segment(double x0, double y0, double x1, double y1, double width, Rgb color, double opacity) {
  if (!std::isfinite(x0) || !std::isfinite(y0) || !std::isfinite(x1) || !std::isfinite(y1)) return;
  const double r = width / 2, reach = r + 1;
  const double dx = x1 - x0, dy = y1 - y0, length2 = dx * dx + dy * dy;
  if (std::max(y0, y1) + reach < 0 || std::min(y0, y1) - reach > height_) return;
  const int row0 = clamp_index(std::floor(std::min(y0, y1) - reach), height_ - 1);
  const int row1 = clamp_index(std::ceil(std::max(y0, y1) + reach), height_ - 1);
  for (int y = row0; y <= row1; ++y) {
    const double py = y + 0.5;
    // Only the columns near the part of the segment within reach of this row.
    double t0 = 0, t1 = 1;
    if (std::abs(dy) > 1e-9) {
      t0 = std::clamp((py - reach - y0) / dy, 0.0, 1.0);
      t1 = std::clamp((py + reach - y0) / dy, 0.0, 1.0);
      if (t0 > t1) std::swap(t0, t1);
    }
    const double xa = x0 + t0 * dx, xb = x0 + t1 * dx;
    if (std::max(xa, xb) + reach < 0 || std::min(xa, xb) - reach > width_) continue;
    const int col0 = clamp_index(std::floor(std::min(xa, xb) - reach), width_ - 1);
    const int col1 = clamp_index(std::ceil(std::max(xa, xb) + reach), width_ - 1);
    for (int x = col0; x <= col1; ++x) {
      const double px = x + 0.5;
      const double t = length2 > 0 ? std::clamp(((px - x0) * dx + (py - y0) * dy) / length2, 0.0, 1.0) : 0.0;
      const double ex = px - (x0 + t * dx), ey = py - (y0 + t * dy);
      const double coverage = std::clamp(r + 0.5 - std::sqrt(ex * ex + ey * ey), 0.0, 1.0);
      if (coverage > 0) blend(x, y, float(coverage * opacity), color);
    }
  }
}

void Canvas::disc(double x, double y, double radius, Rgb color, double opacity) {
  segment(x, y, x, y, 2 * radius, color, opacity);
}

void Canvas::copy_to(uint8_t* out) const {
  for (size_t i = 0; i < pixels_.size(); ++i) out[i] = uint8_t(std::clamp(std::lround(pixels_[i]), 0L, 255L));
}

}  // namespace gen::motion::detail
