// The camera frame of an orbit around a point (y up), shared by the turntable previews
// and the differentiable splat renderer.
#pragma once

namespace gen::shape3d::detail {

struct OrbitBasis {
  double eye[3], right[3], up[3], forward[3];
};

// Azimuth 0 looks from +z towards -z; elevation lifts the eye above the target. Radians.
OrbitBasis orbit_basis(const double target[3], double distance, double azimuth, double elevation);

}  // namespace gen::shape3d::detail
