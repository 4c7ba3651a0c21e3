#include <algorithm>
#include <cmath>

#include "template.h"

namespace gen_template {

namespace {

constexpr double kExtent = 1.2;  // the plot shows [-kExtent, kExtent]^2

// Blends a soft round dot of radius r (pixels) and colour rgb at (cx, cy).
void draw_dot(float* img, int w, int h, double cx, double cy, double r, const float rgb[3],
              float opacity) {
  const int x0 = std::max(0, static_cast<int>(cx - r - 1)), x1 = std::min(w - 1, static_cast<int>(cx + r + 1));
  const int y0 = std::max(0, static_cast<int>(cy - r - 1)), y1 = std::min(h - 1, static_cast<int>(cy + r + 1));
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x) {
      const double d = std::hypot(x + 0.5 - cx, y + 0.5 - cy);
      const float cover = static_cast<float>(std::clamp(r + 0.5 - d, 0.0, 1.0)) * opacity;
      float* px = img + (static_cast<size_t>(y) * w + x) * 3;
      for (int c = 0; c < 3; ++c) px[c] = px[c] * (1 - cover) + rgb[c] * cover;
    }
}

}  // namespace

gen::image::Image scatter_plot(const torch::Tensor& points, const torch::Tensor& means, int width,
                               int height) {
  auto canvas = torch::ones({height, width, 3}, torch::kFloat32);
  float* img = canvas.data_ptr<float>();
  auto to_px = [&](double x, double y) {
    return std::pair<double, double>{(x + kExtent) / (2 * kExtent) * width,
                                      (kExtent - y) / (2 * kExtent) * height};
  };
  const float blue[3] = {0.12f, 0.35f, 0.75f}, red[3] = {0.85f, 0.1f, 0.1f};
  const double radius = std::max(1.0, std::min(width, height) / 300.0);
  auto p = points.to(torch::kFloat64).contiguous();
  auto acc = p.accessor<double, 2>();
  for (int64_t i = 0; i < p.size(0); ++i) {
    auto [x, y] = to_px(acc[i][0], acc[i][1]);
    draw_dot(img, width, height, x, y, radius, blue, 0.6f);
  }
  auto m = means.to(torch::kFloat64).contiguous();
  auto macc = m.accessor<double, 2>();
  for (int64_t k = 0; k < m.size(0); ++k) {
    auto [x, y] = to_px(macc[k][0], macc[k][1]);
    draw_dot(img, width, height, x, y, radius * 2.5, red, 1.0f);
  }
  return {(canvas * 255).round().clamp(0, 255).to(torch::kUInt8)};
}

}  // namespace gen_template
