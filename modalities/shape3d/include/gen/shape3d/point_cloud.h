// A coloured point cloud: what the 3D plugins generate and what gen eval 3d reads.
// Tensors, float32 on the CPU, one row per point; y is up (as assets are authored).
#pragma once
#include <cstdint>

#include <torch/types.h>

#include <gen/export.h>

namespace gen::shape3d {

struct PointCloud {
  torch::Tensor xyz;      // N x 3
  torch::Tensor rgb;      // N x 3 in [0, 1], or undefined
  torch::Tensor normals;  // N x 3 unit vectors, or undefined
  int64_t size() const { return xyz.defined() ? xyz.size(0) : 0; }
  bool has_colors() const { return rgb.defined(); }
  bool has_normals() const { return normals.defined(); }
};

// Throws gen::InputError naming `what` unless the cloud has N >= 1 points, N x 3 float32
// tensors, finite values, colours in [0, 1].
GEN_API void check_point_cloud(const PointCloud& cloud, const std::string& what = "point cloud");

// Axis-aligned bounds: a 2 x 3 tensor (min row, max row).
GEN_API torch::Tensor bounds(const torch::Tensor& xyz);

}  // namespace gen::shape3d
