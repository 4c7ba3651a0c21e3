#include "open3d_convert.h"

#include <open3d/utility/Logging.h>

#include <mutex>

namespace gen::shape3d::detail {

namespace {

std::vector<Eigen::Vector3d> to_vectors(const torch::Tensor& t) {
  const auto rows = t.to(torch::kFloat64).contiguous();
  const double* p = rows.data_ptr<double>();
  std::vector<Eigen::Vector3d> v(static_cast<size_t>(rows.size(0)));
  for (size_t i = 0; i < v.size(); ++i) v[i] = Eigen::Vector3d(p[3 * i], p[3 * i + 1], p[3 * i + 2]);
  return v;
}

torch::Tensor from_vectors(const std::vector<Eigen::Vector3d>& v) {
  auto t = torch::empty({static_cast<int64_t>(v.size()), 3}, torch::kFloat64);
  double* p = t.data_ptr<double>();
  for (size_t i = 0; i < v.size(); ++i)
    for (int k = 0; k < 3; ++k) p[3 * i + k] = v[i][k];
  return t.to(torch::kFloat32);
}

}  // namespace

void quiet_open3d() {
  static std::once_flag once;
  std::call_once(once, [] { open3d::utility::SetVerbosityLevel(open3d::utility::VerbosityLevel::Error); });
}

open3d::geometry::PointCloud to_open3d(const PointCloud& cloud) {
  open3d::geometry::PointCloud o;
  o.points_ = to_vectors(cloud.xyz);
  if (cloud.has_colors()) o.colors_ = to_vectors(cloud.rgb);
  if (cloud.has_normals()) o.normals_ = to_vectors(cloud.normals);
  return o;
}

PointCloud from_open3d(const open3d::geometry::PointCloud& o) {
  PointCloud c;
  c.xyz = from_vectors(o.points_);
  if (o.HasColors()) c.rgb = from_vectors(o.colors_);
  if (o.HasNormals()) c.normals = from_vectors(o.normals_);
  return c;
}

open3d::geometry::TriangleMesh to_open3d(const Mesh& mesh) {
  open3d::geometry::TriangleMesh o;
  o.vertices_ = to_vectors(mesh.vertices);
  if (mesh.rgb.defined()) o.vertex_colors_ = to_vectors(mesh.rgb);
  if (mesh.normals.defined()) o.vertex_normals_ = to_vectors(mesh.normals);
  const auto faces = mesh.faces.to(torch::kInt64).contiguous();
  const int64_t* f = faces.data_ptr<int64_t>();
  o.triangles_.resize(static_cast<size_t>(faces.size(0)));
  for (size_t i = 0; i < o.triangles_.size(); ++i)
    o.triangles_[i] = Eigen::Vector3i(static_cast<int>(f[3 * i]), static_cast<int>(f[3 * i + 1]), static_cast<int>(f[3 * i + 2]));
  return o;
}

Mesh from_open3d(const open3d::geometry::TriangleMesh& o) {
  Mesh m;
  m.vertices = from_vectors(o.vertices_);
  if (o.HasVertexColors()) m.rgb = from_vectors(o.vertex_colors_);
  if (o.HasVertexNormals()) m.normals = from_vectors(o.vertex_normals_);
  m.faces = torch::empty({static_cast<int64_t>(o.triangles_.size()), 3}, torch::kInt64);
  int64_t* f = m.faces.data_ptr<int64_t>();
  for (size_t i = 0; i < o.triangles_.size(); ++i)
    for (int k = 0; k < 3; ++k) f[3 * i + k] = o.triangles_[i][k];
  return m;
}

}  // namespace gen::shape3d::detail
