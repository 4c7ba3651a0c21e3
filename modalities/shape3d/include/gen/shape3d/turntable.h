// Previews of a point cloud: a camera circling the y axis (y is up) looking at the
// cloud's centre, the points drawn as depth-shaded discs from far to near. Not
// differentiable — what `gen 3d --render` and the model zoo's pictures use.
#pragma once
#include <cstdint>

#include <torch/types.h>

#include <gen/export.h>
#include <gen/shape3d/point_cloud.h>

namespace gen::shape3d {

struct TurntableOptions {
  int views = 24;
  int width = 256, height = 256;
  double elevation_deg = 20;    // the camera above the cloud's centre
  double fov_deg = 40;          // vertical field of view; the distance fits the bounding sphere
  double point_size = 1.0;      // scales the disc radius chosen from the cloud's density
  uint8_t background[3] = {255, 255, 255};
};

// uint8 [views, H, W, 3]; view k looks from azimuth 360° k / views (view 0 from +z).
// gen::UsageError for options out of range; gen::InputError for an invalid cloud.
GEN_API torch::Tensor render_turntable(const PointCloud& cloud, const TurntableOptions& options = {});

}  // namespace gen::shape3d
