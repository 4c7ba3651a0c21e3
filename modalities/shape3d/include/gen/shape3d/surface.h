// From points to surfaces: normal estimation and screened Poisson reconstruction with
// density trimming (Kazhdan & Hoppe 2013, Open3D's implementation), so a generated cloud
// becomes a watertight-ish mesh with vertex colours.
#pragma once
#include <cstdint>

#include <gen/export.h>
#include <gen/shape3d/mesh.h>
#include <gen/shape3d/point_cloud.h>

namespace gen::shape3d {

struct NormalOptions {
  int neighbours = 20;     // k nearest points whose plane gives the normal
  bool orient_outward = true;  // flip normals to point away from the centroid, then make them consistent
};

// The cloud with normals estimated (replacing any it had).
GEN_API PointCloud estimate_normals(const PointCloud& cloud, const NormalOptions& options = {});

struct PoissonOptions {
  int depth = 8;                  // octree depth: 2^depth cells across the bounding cube
  double density_quantile = 0.05; // drop vertices in this lowest fraction of sample density
  NormalOptions normals;          // used when the cloud has no normals
};

// gen::InputError for a cloud with too few points (< 16) to reconstruct.
GEN_API Mesh poisson_reconstruct(const PointCloud& cloud, const PoissonOptions& options = {});

}  // namespace gen::shape3d
