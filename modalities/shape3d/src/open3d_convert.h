// Between gen's tensors and Open3D's geometry (Eigen double vectors), and Open3D set
// quiet: its warnings would break gen's one-error-line contract.
#pragma once
#include <open3d/geometry/PointCloud.h>
#include <open3d/geometry/TriangleMesh.h>

#include <gen/shape3d/mesh.h>
#include <gen/shape3d/point_cloud.h>

namespace gen::shape3d::detail {

void quiet_open3d();  // idempotent

open3d::geometry::PointCloud to_open3d(const PointCloud& cloud);
PointCloud from_open3d(const open3d::geometry::PointCloud& cloud);
open3d::geometry::TriangleMesh to_open3d(const Mesh& mesh);
Mesh from_open3d(const open3d::geometry::TriangleMesh& mesh);

}  // namespace gen::shape3d::detail
