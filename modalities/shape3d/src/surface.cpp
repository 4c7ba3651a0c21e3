#include <gen/error.h>
#include <gen/shape3d/surface.h>

#include <open3d/geometry/KDTreeSearchParam.h>

#include <algorithm>
#include <stdexcept>

#include "open3d_convert.h"

namespace gen::shape3d {

namespace {

constexpr int64_t kMinPoints = 16;

void estimate_into(open3d::geometry::PointCloud& o, const NormalOptions& options) {
  if (options.neighbours < 3) throw UsageError("normal estimation needs at least 3 neighbours");
  o.EstimateNormals(open3d::geometry::KDTreeSearchParamKNN(options.neighbours), false);
  if (!options.orient_outward) return;
  // Away from the centroid first (right for star-shaped solids), then made consistent
  // across the surface (Hoppe et al. 1992) so concave and ring-shaped parts follow their
  // neighbours rather than the centroid.
  const Eigen::Vector3d centre = o.GetCenter();
  for (size_t i = 0; i < o.points_.size(); ++i)
    if (o.normals_[i].dot(o.points_[i] - centre) < 0) o.normals_[i] = -o.normals_[i];
  if (static_cast<int64_t>(o.points_.size()) > options.neighbours) {
    try {
      o.OrientNormalsConsistentTangentPlane(static_cast<size_t>(options.neighbours));
    } catch (const std::exception&) {
      // Degenerate neighbourhoods (duplicates, a plane): the centroid orientation stands.
    }
    // The propagation keeps neighbours consistent but may flip the whole surface inward.
    double outward = 0;
    for (size_t i = 0; i < o.points_.size(); ++i) outward += o.normals_[i].dot(o.points_[i] - centre);
    if (outward < 0)
      for (auto& n : o.normals_) n = -n;
  }
}

}  // namespace

PointCloud estimate_normals(const PointCloud& cloud, const NormalOptions& options) {
  check_point_cloud(cloud);
  if (cloud.size() < options.neighbours) throw InputError("normal estimation needs more points than neighbours");
  detail::quiet_open3d();
  auto o = detail::to_open3d(cloud);
  estimate_into(o, options);
  auto out = cloud;
  out.normals = detail::from_open3d(o).normals;
  return out;
}

Mesh poisson_reconstruct(const PointCloud& cloud, const PoissonOptions& options) {
  check_point_cloud(cloud);
  if (cloud.size() < kMinPoints)
    throw InputError("surface reconstruction needs at least " + std::to_string(kMinPoints) + " points, not " +
                     std::to_string(cloud.size()));
  if (options.depth < 1 || options.depth > 12) throw UsageError("Poisson depth must be in 1..12");
  if (options.density_quantile < 0 || options.density_quantile >= 1)
    throw UsageError("the density quantile must be in [0, 1)");
  detail::quiet_open3d();
  auto o = detail::to_open3d(cloud);
  if (!o.HasNormals()) estimate_into(o, options.normals);
  // One thread: the octree solve is then the same bytes on every run.
  auto [mesh, densities] = open3d::geometry::TriangleMesh::CreateFromPointCloudPoisson(
      o, static_cast<size_t>(options.depth), 0.0f, 1.1f, false, 1);
  if (!mesh || mesh->triangles_.empty()) throw InputError("surface reconstruction found no surface in the cloud");
  if (options.density_quantile > 0 && !densities.empty()) {
    auto sorted = densities;
    const auto k = static_cast<size_t>(options.density_quantile * static_cast<double>(sorted.size() - 1));
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(k), sorted.end());
    const double threshold = sorted[k];
    std::vector<bool> low(densities.size());
    for (size_t i = 0; i < densities.size(); ++i) low[i] = densities[i] < threshold;
    mesh->RemoveVerticesByMask(low);
  }
  if (mesh->triangles_.empty()) throw InputError("surface reconstruction left no faces after density trimming");
  if (mesh->HasVertexColors())
    for (auto& c : mesh->vertex_colors_) c = c.cwiseMax(0.0).cwiseMin(1.0);  // interpolation overshoots
  return detail::from_open3d(*mesh);
}

}  // namespace gen::shape3d
