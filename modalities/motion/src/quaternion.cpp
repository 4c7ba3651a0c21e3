#include <gen/motion/quaternion.h>

#include <array>
#include <cmath>
#include <string>

#include <gen/error.h>

namespace gen::motion {

namespace {

torch::Tensor component(const torch::Tensor& q, int64_t i) { return q.select(-1, i); }

int axis_index(char c) {
  switch (c) {
    case 'X': case 'x': return 0;
    case 'Y': case 'y': return 1;
    case 'Z': case 'z': return 2;
    default: throw InputError(std::string("rotation order has an unknown axis '") + c + "'");
  }
}

// The three axis indices of a Tait-Bryan order ("ZXY"); throws on a bad order.
std::array<int, 3> order_axes(const std::string& order) {
  if (order.size() != 3) throw InputError("rotation order '" + order + "' must name three axes");
  std::array<int, 3> a{axis_index(order[0]), axis_index(order[1]), axis_index(order[2])};
  if (a[0] == a[1] || a[1] == a[2] || a[0] == a[2])
    throw InputError("rotation order '" + order + "' must name three different axes");
  return a;
}

}  // namespace

torch::Tensor quat_identity(torch::IntArrayRef leading) {
  std::vector<int64_t> shape(leading.begin(), leading.end());
  shape.push_back(4);
  auto q = torch::zeros(shape);
  q.select(-1, 0).fill_(1.0);
  return q;
}

torch::Tensor quat_multiply(const torch::Tensor& a, const torch::Tensor& b) {
  auto aw = component(a, 0), ax = component(a, 1), ay = component(a, 2), az = component(a, 3);
  auto bw = component(b, 0), bx = component(b, 1), by = component(b, 2), bz = component(b, 3);
  return torch::stack({aw * bw - ax * bx - ay * by - az * bz, aw * bx + ax * bw + ay * bz - az * by,
                       aw * by - ax * bz + ay * bw + az * bx, aw * bz + ax * by - ay * bx + az * bw},
                      -1);
}

torch::Tensor quat_conjugate(const torch::Tensor& q) {
  return torch::cat({q.narrow(-1, 0, 1), -q.narrow(-1, 1, 3)}, -1);
}

torch::Tensor quat_normalize(const torch::Tensor& q) { return q / q.norm(2, -1, true).clamp_min(1e-12); }

torch::Tensor quat_rotate(const torch::Tensor& q, const torch::Tensor& v) {
  // v' = v + 2w (u x v) + 2 u x (u x v), u the vector part: no quaternion products needed.
  auto w = q.narrow(-1, 0, 1), u = q.narrow(-1, 1, 3);
  auto uv = torch::cross(u.expand_as(v), v, -1);
  return v + 2 * (w * uv + torch::cross(u.expand_as(v), uv, -1));
}

torch::Tensor quat_from_axis_angle(const torch::Tensor& axis, const torch::Tensor& angle) {
  auto unit = axis / axis.norm(2, -1, true).clamp_min(1e-12);
  auto half = (angle * 0.5).unsqueeze(-1);
  return torch::cat({half.cos(), unit * half.sin()}, -1);
}

torch::Tensor quat_between(const torch::Tensor& a, const torch::Tensor& b) {
  auto ua = a / a.norm(2, -1, true).clamp_min(1e-12), ub = b / b.norm(2, -1, true).clamp_min(1e-12);
  auto w = 1 + (ua * ub).sum(-1, true);
  auto v = torch::cross(ua, ub, -1);
  // Opposite directions: any axis perpendicular to a (pick x or y, whichever is less aligned).
  auto opposite = (w < 1e-6);
  if (opposite.any().item<bool>()) {
    auto ex = torch::zeros_like(ua);
    ex.select(-1, 0).fill_(1.0);
    auto ey = torch::zeros_like(ua);
    ey.select(-1, 1).fill_(1.0);
    auto helper = torch::where(ua.select(-1, 0).abs().unsqueeze(-1) < 0.9, ex, ey);
    auto perp = torch::cross(ua, helper, -1);
    v = torch::where(opposite, perp, v);
    w = torch::where(opposite, torch::zeros_like(w), w);
  }
  return quat_normalize(torch::cat({w, v}, -1));
}

torch::Tensor quat_to_matrix(const torch::Tensor& q) {
  auto w = component(q, 0), x = component(q, 1), y = component(q, 2), z = component(q, 3);
  auto rows = torch::stack({1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
                            2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
                            2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)},
                           -1);
  auto shape = q.sizes().vec();
  shape.back() = 3;
  shape.push_back(3);
  return rows.reshape(shape);
}

torch::Tensor quat_from_matrix(const torch::Tensor& m) {
  // Shepperd's method, branch chosen per element by the largest of w, x, y, z.
  auto m00 = m.select(-2, 0).select(-1, 0), m11 = m.select(-2, 1).select(-1, 1), m22 = m.select(-2, 2).select(-1, 2);
  auto m01 = m.select(-2, 0).select(-1, 1), m10 = m.select(-2, 1).select(-1, 0);
  auto m02 = m.select(-2, 0).select(-1, 2), m20 = m.select(-2, 2).select(-1, 0);
  auto m12 = m.select(-2, 1).select(-1, 2), m21 = m.select(-2, 2).select(-1, 1);
  auto candidates = torch::stack(
      {torch::stack({1 + m00 + m11 + m22, m21 - m12, m02 - m20, m10 - m01}, -1),
       torch::stack({m21 - m12, 1 + m00 - m11 - m22, m01 + m10, m02 + m20}, -1),
       torch::stack({m02 - m20, m01 + m10, 1 - m00 + m11 - m22, m12 + m21}, -1),
       torch::stack({m10 - m01, m02 + m20, m12 + m21, 1 - m00 - m11 + m22}, -1)},
      -2);  // [..., 4 candidates, 4]: candidate i is 4 q_i * q
  auto diag = torch::stack({1 + m00 + m11 + m22, 1 + m00 - m11 - m22, 1 - m00 + m11 - m22, 1 - m00 - m11 + m22}, -1);
  auto best = diag.argmax(-1, true);  // [..., 1]
  auto index_shape = candidates.sizes().vec();
  index_shape[index_shape.size() - 2] = 1;
  auto index = best.unsqueeze(-1).expand(index_shape);  // [..., 1, 4]
  auto q = quat_normalize(candidates.gather(-2, index).squeeze(-2));
  return torch::where(q.narrow(-1, 0, 1) < 0, -q, q);
}

torch::Tensor quat_from_euler(const torch::Tensor& degrees, const std::string& order) {
  const auto axes = order_axes(order);
  auto radians = degrees * (M_PI / 180.0);
  auto shape = degrees.sizes().vec();
  shape.pop_back();
  auto q = quat_identity(shape).to(degrees.dtype());
  auto axis_shape = shape;
  axis_shape.push_back(3);
  for (int i = 0; i < 3; ++i) {
    auto axis = torch::zeros(axis_shape, degrees.options());
    axis.select(-1, axes[i]).fill_(1.0);
    q = quat_multiply(q, quat_from_axis_angle(axis, radians.select(-1, i)));
  }
  return q;
}

torch::Tensor quat_to_euler(const torch::Tensor& q, const std::string& order) {
  // R = R_a(α) R_b(β) R_c(γ) with axes i, j, k; s = +1 for a cyclic (right-handed) order.
  const auto axes = order_axes(order);
  const int i = axes[0], j = axes[1], k = axes[2];
  const double s = ((j - i + 3) % 3 == 1) ? 1.0 : -1.0;
  auto r = quat_to_matrix(q);
  auto at = [&](int a, int b) { return r.select(-2, a).select(-1, b); };
  // atan2 rather than asin: asin loses half the digits near +-90 degrees.
  auto beta = torch::atan2(s * at(i, k), torch::sqrt(at(i, i).pow(2) + at(i, j).pow(2)));
  auto alpha = torch::atan2(-s * at(j, k), at(k, k));
  auto gamma = torch::atan2(-s * at(i, j), at(i, i));
  // Gimbal lock (|β| = 90°): α and γ share one degree of freedom; put it all in α.
  auto locked = at(i, k).abs() > 1 - 1e-6;
  if (locked.any().item<bool>()) {
    auto alpha_locked = torch::atan2(s * at(k, j), at(j, j));
    alpha = torch::where(locked, alpha_locked, alpha);
    gamma = torch::where(locked, torch::zeros_like(gamma), gamma);
  }
  return torch::stack({alpha, beta, gamma}, -1) * (180.0 / M_PI);
}

}  // namespace gen::motion
