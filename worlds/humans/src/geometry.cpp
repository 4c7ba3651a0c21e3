#include "geometry.h"

namespace gen::humans {

Quat frame_rotation(Vec3 a0, Vec3 b0, Vec3 a1, Vec3 b1) {
  const Vec3 c0 = cross(a0, b0), c1 = cross(a1, b1);
  // R = [a1 b1 c1] [a0 b0 c0]^T, then Shepperd's method with the largest diagonal term.
  double m[3][3];
  const Vec3 f1[3] = {a1, b1, c1}, f0[3] = {a0, b0, c0};
  auto component = [](Vec3 v, int i) { return i == 0 ? v.x : i == 1 ? v.y : v.z; };
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) {
      m[r][c] = 0;
      for (int k = 0; k < 3; ++k) m[r][c] += component(f1[k], r) * component(f0[k], c);
    }
  const double trace = m[0][0] + m[1][1] + m[2][2];
  Quat q;
  if (trace > 0) {
    const double s = 2 * std::sqrt(1 + trace);
    q = {0.25 * s, (m[2][1] - m[1][2]) / s, (m[0][2] - m[2][0]) / s, (m[1][0] - m[0][1]) / s};
  } else if (m[0][0] > m[1][1] && m[0][0] > m[2][2]) {
    const double s = 2 * std::sqrt(1 + m[0][0] - m[1][1] - m[2][2]);
    q = {(m[2][1] - m[1][2]) / s, 0.25 * s, (m[0][1] + m[1][0]) / s, (m[0][2] + m[2][0]) / s};
  } else if (m[1][1] > m[2][2]) {
    const double s = 2 * std::sqrt(1 + m[1][1] - m[0][0] - m[2][2]);
    q = {(m[0][2] - m[2][0]) / s, (m[0][1] + m[1][0]) / s, 0.25 * s, (m[1][2] + m[2][1]) / s};
  } else {
    const double s = 2 * std::sqrt(1 + m[2][2] - m[0][0] - m[1][1]);
    q = {(m[1][0] - m[0][1]) / s, (m[0][2] + m[2][0]) / s, (m[1][2] + m[2][1]) / s, 0.25 * s};
  }
  q = normalized(q);
  return q.w < 0 ? Quat{-q.w, -q.x, -q.y, -q.z} : q;
}

}  // namespace gen::humans
