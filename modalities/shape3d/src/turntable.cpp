#include <gen/shape3d/turntable.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <gen/error.h>

#include "orbit_basis.h"

namespace gen::shape3d {
namespace {

constexpr int kSupersample = 2;  // drawn at 2x and averaged down: smooth disc edges

using Basis = detail::OrbitBasis;

void check_options(const TurntableOptions& o) {
  if (o.views < 1 || o.views > 3600) throw UsageError("a turntable needs 1 to 3600 views, got " + std::to_string(o.views));
  if (o.width < 8 || o.height < 8 || o.width > 8192 || o.height > 8192)
    throw UsageError("turntable frames must be 8 to 8192 pixels wide and high, got " + std::to_string(o.width) + "x" +
                     std::to_string(o.height));
  if (!(o.fov_deg > 1 && o.fov_deg < 170)) throw UsageError("the turntable's field of view must be in (1, 170) degrees");
  if (!(o.elevation_deg > -89 && o.elevation_deg < 89)) throw UsageError("the turntable's elevation must be in (-89, 89) degrees");
  if (!(o.point_size > 0 && o.point_size <= 100)) throw UsageError("the turntable's point size must be in (0, 100]");
}

// One view at kSupersample x the size: float [H, W, 3] in [0, 1].
torch::Tensor draw_view(const float* xyz, const float* rgb, int64_t n, const Basis& cam, double focal,
                        double world_radius, int width, int height, const float background[3]) {
  auto image = torch::empty({height, width, 3});
  auto* px = image.data_ptr<float>();
  for (int64_t i = 0; i < int64_t{width} * height; ++i)
    for (int c = 0; c < 3; ++c) px[i * 3 + c] = background[c];
  std::vector<double> u(n), v(n), z(n);
  for (int64_t i = 0; i < n; ++i) {
    double d[3];
    for (int k = 0; k < 3; ++k) d[k] = xyz[i * 3 + k] - cam.eye[k];
    z[i] = d[0] * cam.forward[0] + d[1] * cam.forward[1] + d[2] * cam.forward[2];
    u[i] = d[0] * cam.right[0] + d[1] * cam.right[1] + d[2] * cam.right[2];
    v[i] = d[0] * cam.up[0] + d[1] * cam.up[1] + d[2] * cam.up[2];
  }
  const auto [zmin_it, zmax_it] = std::minmax_element(z.begin(), z.end());
  const double zmin = *zmin_it, span = std::max(*zmax_it - zmin, 1e-9);
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return z[a] > z[b]; });  // far first
  for (int64_t i : order) {
    if (z[i] <= 1e-6) continue;  // behind the camera
    const double cx = width / 2.0 + focal * u[i] / z[i], cy = height / 2.0 - focal * v[i] / z[i];
    const double r = std::max(1.0, focal * world_radius / z[i]);
    const double shade = 1.0 - 0.45 * (z[i] - zmin) / span;  // nearer is brighter
    const int x0 = std::max(0, static_cast<int>(std::floor(cx - r))), x1 = std::min(width - 1, static_cast<int>(std::ceil(cx + r)));
    const int y0 = std::max(0, static_cast<int>(std::floor(cy - r))), y1 = std::min(height - 1, static_cast<int>(std::ceil(cy + r)));
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) {
        const double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
        if (dx * dx + dy * dy > r * r) continue;
        // A lit sphere's look: discs are darker towards their rim.
        const double rim = 1.0 - 0.25 * (dx * dx + dy * dy) / (r * r);
        float* p = px + (int64_t{y} * width + x) * 3;
        for (int c = 0; c < 3; ++c) p[c] = static_cast<float>(std::clamp(rgb[i * 3 + c] * shade * rim, 0.0, 1.0));
      }
  }
  return image;
}

}  // namespace

torch::Tensor render_turntable(const PointCloud& cloud, const TurntableOptions& o) {
  check_options(o);
  check_point_cloud(cloud, "the cloud to render");
  const auto xyz = cloud.xyz.to(torch::kFloat32).contiguous();
  const auto rgb = cloud.has_colors() ? cloud.rgb.to(torch::kFloat32).contiguous() : torch::full_like(xyz, 0.7f);
  const auto box = bounds(xyz);
  const auto centre_t = ((box[0] + box[1]) / 2).to(torch::kFloat64);
  const double centre[3] = {centre_t[0].item<double>(), centre_t[1].item<double>(), centre_t[2].item<double>()};
  const double radius = std::max(1e-6, (xyz.to(torch::kFloat64) - centre_t).norm(2, 1).max().item<double>());
  const double half_fov = o.fov_deg * M_PI / 360.0;
  const double distance = 1.15 * radius / std::sin(half_fov);
  const int w = o.width * kSupersample, h = o.height * kSupersample;
  const double focal = (h / 2.0) / std::tan(half_fov);
  // Discs about as wide as the spacing of n points spread over the bounding sphere.
  const double world_radius = o.point_size * 2.2 * radius / std::sqrt(static_cast<double>(cloud.size()));
  const float background[3] = {o.background[0] / 255.f, o.background[1] / 255.f, o.background[2] / 255.f};
  std::vector<torch::Tensor> frames;
  for (int k = 0; k < o.views; ++k) {
    const auto cam = detail::orbit_basis(centre, distance, 2 * M_PI * k / o.views, o.elevation_deg * M_PI / 180.0);
    auto big = draw_view(xyz.data_ptr<float>(), rgb.data_ptr<float>(), cloud.size(), cam, focal, world_radius, w, h,
                         background);
    auto small = torch::avg_pool2d(big.permute({2, 0, 1}).unsqueeze(0), kSupersample)[0].permute({1, 2, 0});
    frames.push_back((small * 255).round().clamp(0, 255).to(torch::kUInt8));
  }
  return torch::stack(frames).contiguous();
}

}  // namespace gen::shape3d
