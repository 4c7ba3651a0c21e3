#include <gen/shape3d/splat_renderer.h>

#include <cmath>

#include <gen/error.h>

#include "orbit_basis.h"

namespace gen::shape3d {
namespace {

void check(const torch::Tensor& xyz, const torch::Tensor& rgb, const OrbitCamera& c, const SplatOptions& o) {
  if (xyz.dim() != 2 || xyz.size(1) != 3 || xyz.size(0) < 1 || !xyz.is_floating_point())
    throw UsageError("splat_render takes float xyz [N, 3], got " + c10::str(xyz.sizes()));
  if (rgb.sizes() != xyz.sizes() || !rgb.is_floating_point())
    throw UsageError("splat_render takes rgb [N, 3] like xyz, got " + c10::str(rgb.sizes()));
  if (o.width < 4 || o.height < 4 || o.width > 1024 || o.height > 1024)
    throw UsageError("splat_render draws 4 to 1024 pixels wide and high");
  if (!(o.radius > 0) || !(o.opacity > 0 && o.opacity < 1)) throw UsageError("splat radius must be > 0 and opacity in (0, 1)");
  if (!(c.distance > 0) || !(c.fov_deg > 1 && c.fov_deg < 170) || !(std::abs(c.elevation_deg) < 89))
    throw UsageError("the splat camera needs a positive distance, a field of view in (1, 170) and |elevation| < 89 degrees");
}

}  // namespace

torch::Tensor splat_render_rgba(const torch::Tensor& xyz, const torch::Tensor& rgb, const OrbitCamera& c,
                                const SplatOptions& o) {
  check(xyz, rgb, c, o);
  const auto b = detail::orbit_basis(c.target, c.distance, c.azimuth_deg * M_PI / 180.0, c.elevation_deg * M_PI / 180.0);
  const auto opts = xyz.options();
  const auto rotation = torch::tensor({b.right[0], b.right[1], b.right[2], b.up[0], b.up[1], b.up[2], b.forward[0],
                                       b.forward[1], b.forward[2]}, opts).reshape({3, 3});
  const auto eye = torch::tensor({b.eye[0], b.eye[1], b.eye[2]}, opts);
  const auto cam = torch::matmul(xyz - eye, rotation.t());  // [N, 3]: right, up, depth
  const auto depth = cam.select(1, 2);
  const double focal = (o.height / 2.0) / std::tan(c.fov_deg * M_PI / 360.0);
  // Near first: the compositing order (a constant; the gradient flows through the values).
  const auto order = depth.detach().argsort();
  const auto z = depth.index_select(0, order).clamp_min(1e-3);
  const auto u = o.width / 2.0 + focal * cam.select(1, 0).index_select(0, order) / z;
  const auto v = o.height / 2.0 - focal * cam.select(1, 1).index_select(0, order) / z;
  const auto sigma = focal * o.radius / z;                                  // [N] pixels
  const auto gx = torch::arange(o.width, opts) + 0.5, gy = torch::arange(o.height, opts) + 0.5;
  const auto py = gy.reshape({-1, 1}).expand({o.height, o.width}).reshape({-1, 1});  // [P, 1]
  const auto px = gx.reshape({1, -1}).expand({o.height, o.width}).reshape({-1, 1});
  const auto d2 = (px - u.unsqueeze(0)).square() + (py - v.unsqueeze(0)).square();  // [P, N]
  const auto in_front = (depth.index_select(0, order) > 1e-3).to(opts.dtype());
  const auto alpha = (o.opacity * torch::exp(-d2 / (2 * sigma.square().unsqueeze(0))) * in_front).clamp_max(0.99);
  // T_i = prod_{j < i} (1 - alpha_j): what is still seen through the splats in front.
  const auto through = torch::cumprod(1 - alpha, 1);
  const auto transmittance = torch::cat({torch::ones({alpha.size(0), 1}, opts), through.narrow(1, 0, alpha.size(1) - 1)}, 1);
  const auto colour = torch::matmul(transmittance * alpha, rgb.index_select(0, order));  // [P, 3]
  const auto coverage = 1 - through.select(1, alpha.size(1) - 1).unsqueeze(1);             // [P, 1]
  return torch::cat({colour, coverage}, 1).t().reshape({4, o.height, o.width});
}

torch::Tensor splat_render(const torch::Tensor& xyz, const torch::Tensor& rgb, const OrbitCamera& c, const SplatOptions& o) {
  const auto rgba = splat_render_rgba(xyz, rgb, c, o);
  return composite(rgba, torch::tensor({o.background[0], o.background[1], o.background[2]}, xyz.options()).reshape({3, 1, 1}));
}

torch::Tensor composite(const torch::Tensor& rgba, const torch::Tensor& background) {
  return rgba.narrow(0, 0, 3) + (1 - rgba.narrow(0, 3, 1)) * background;
}

}  // namespace gen::shape3d
