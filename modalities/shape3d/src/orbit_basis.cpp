#include "orbit_basis.h"

#include <cmath>

namespace gen::shape3d::detail {

OrbitBasis orbit_basis(const double target[3], double distance, double azimuth, double elevation) {
  OrbitBasis b{};
  const double dir[3] = {std::cos(elevation) * std::sin(azimuth), std::sin(elevation),
                         std::cos(elevation) * std::cos(azimuth)};
  for (int i = 0; i < 3; ++i) {
    b.eye[i] = target[i] + distance * dir[i];
    b.forward[i] = -dir[i];
  }
  // right = forward x world_up, up = right x forward (world up is +y)
  b.right[0] = -b.forward[2];
  b.right[1] = 0;
  b.right[2] = b.forward[0];
  const double norm = std::hypot(b.right[0], b.right[2]);
  for (double& v : b.right) v /= norm;
  b.up[0] = b.right[1] * b.forward[2] - b.right[2] * b.forward[1];
  b.up[1] = b.right[2] * b.forward[0] - b.right[0] * b.forward[2];
  b.up[2] = b.right[0] * b.forward[1] - b.right[1] * b.forward[0];
  return b;
}

}  // namespace gen::shape3d::detail
