#include <gen/error.h>
#include <gen/solids/solid_geometry.h>

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "world_config.h"

namespace gen::solids {

namespace {

struct ProfilePoint {
  double r, y;
};

// The profile of a solid of width 1 and height h, from the bottom of the axis to its top
// (r = 0 at both ends closes the surface), or a closed loop (the torus).
std::vector<ProfilePoint> profile(const std::string& kind, double h, int steps, int segments, bool& closed_loop) {
  closed_loop = false;
  // A polygon's corners sit at r / cos(pi / segments) so its flat sides are width 1.
  const double rim = 0.5 / std::cos(M_PI / segments);
  std::vector<ProfilePoint> p;
  if (kind == "box") {
    p = {{0, -h / 2}, {rim, -h / 2}, {rim, h / 2}, {0, h / 2}};
  } else if (kind == "cone") {
    p = {{0, -h / 2}, {rim, -h / 2}, {0, h / 2}};
  } else if (kind == "sphere") {  // an ellipsoid of radii 0.5, h/2, 0.5
    for (int i = 0; i <= 2 * steps; ++i) {
      const double a = -M_PI / 2 + M_PI * i / (2 * steps);
      p.push_back({i == 0 || i == 2 * steps ? 0.0 : rim * std::cos(a), h / 2 * std::sin(a)});
    }
  } else if (kind == "capsule") {  // hemispheres of radius 0.5 on a cylinder
    const double half = std::max(0.0, h / 2 - 0.5);
    for (int i = 0; i <= steps; ++i) {
      const double a = -M_PI / 2 + M_PI / 2 * i / steps;
      p.push_back({i == 0 ? 0.0 : rim * std::cos(a), -half + 0.5 * std::sin(a)});
    }
    for (int i = 0; i <= steps; ++i) {
      const double a = M_PI / 2 * i / steps;
      p.push_back({i == steps ? 0.0 : rim * std::cos(a), half + 0.5 * std::sin(a)});
    }
  } else if (kind == "torus") {  // a tube of radius h/2 around a ring, width 1 overall
    const double tube = h / 2, ring = 0.5 - tube;
    closed_loop = true;
    for (int i = 0; i < 2 * steps; ++i) {
      const double a = -M_PI / 2 + M_PI * i / steps;  // counter-clockwise in (r, y): outward normals
      p.push_back({ring + tube * std::cos(a) / std::cos(M_PI / segments), tube * std::sin(a)});
    }
  } else {
    throw Error("configs/solids/world.json: unknown profile \"" + kind + "\"");
  }
  return p;
}

// Turns a profile about y. Faces wind counter-clockwise seen from outside.
shape3d::Mesh revolve(const std::vector<ProfilePoint>& p, int segments, bool closed_loop) {
  const int64_t n = static_cast<int64_t>(p.size());
  std::vector<float> v;
  std::vector<int64_t> f;
  for (int64_t i = 0; i < n; ++i)
    for (int s = 0; s < segments; ++s) {
      // Square sections start at 45 degrees so the box's faces face the axes.
      const double a = 2 * M_PI * (s + (segments == 4 ? 0.5 : 0.0)) / segments;
      v.insert(v.end(), {static_cast<float>(p[i].r * std::cos(a)), static_cast<float>(p[i].y),
                         static_cast<float>(p[i].r * std::sin(a))});
    }
  const int64_t rows = closed_loop ? n : n - 1;
  for (int64_t i = 0; i < rows; ++i) {
    const int64_t j = (i + 1) % n;
    for (int s = 0; s < segments; ++s) {
      const int64_t t = (s + 1) % segments;
      const int64_t a = i * segments + s, b = i * segments + t, c = j * segments + t, d = j * segments + s;
      // Quads between rings; the degenerate halves at the poles (r = 0) are skipped.
      if (p[i].r > 0) f.insert(f.end(), {a, d, b});
      if (p[j].r > 0) f.insert(f.end(), {b, d, c});
    }
  }
  shape3d::Mesh m;
  m.vertices = torch::tensor(v).view({-1, 3});
  m.faces = torch::tensor(f, torch::kInt64).view({-1, 3});
  return m;
}

torch::Tensor face_normals(const torch::Tensor& vertices, const torch::Tensor& faces) {
  const auto a = vertices.index_select(0, faces.select(1, 0));
  const auto b = vertices.index_select(0, faces.select(1, 1));
  const auto c = vertices.index_select(0, faces.select(1, 2));
  return torch::cross(b - a, c - a, 1);  // length = twice the area
}

}  // namespace

shape3d::Mesh solid_mesh(const SolidSpec& spec) {
  check_solid_spec(spec);
  const auto& shape = config_at(world_config(), "shapes/" + spec.shape);
  const int segments = static_cast<int>(config_number(shape, "segments"));
  const int steps = static_cast<int>(config_number(world_config(), "profile_steps"));
  const double height = config_number(shape, "heights/" + spec.aspect);
  bool closed = false;
  auto mesh = revolve(profile(config_at(shape, "profile").get<std::string>(), height, steps, segments, closed), segments, closed);
  const double extent = config_number(world_config(), "sizes/" + spec.size);
  const double scale = extent / std::max(1.0, height);
  const double c = std::cos(spec.yaw), s = std::sin(spec.yaw);
  const auto turn = torch::tensor({c, 0.0, -s, 0.0, 1.0, 0.0, s, 0.0, c}, torch::kFloat64).view({3, 3}).to(torch::kFloat32);
  mesh.vertices = torch::matmul(mesh.vertices * static_cast<float>(scale), turn.t()).contiguous();
  const auto rgb = solid_rgb(spec.color);
  mesh.rgb = torch::tensor(std::vector<float>(rgb.begin(), rgb.end())).expand({mesh.vertex_count(), 3}).contiguous();
  return mesh;
}

shape3d::PointCloud sample_surface(const shape3d::Mesh& mesh, int64_t count, uint64_t seed) {
  shape3d::check_mesh(mesh);
  if (count < 1) throw UsageError("sample at least one point");
  const auto normals = face_normals(mesh.vertices, mesh.faces);
  const auto area = normals.norm(2, 1).to(torch::kFloat64);
  const auto cumulative = torch::cumsum(area, 0).contiguous();
  const double total = cumulative[-1].item<double>();
  if (!(total > 0)) throw InputError("the mesh has no area to sample");
  const double* cum = cumulative.data_ptr<double>();
  const int64_t faces = cumulative.size(0);
  Rng rng(seed);
  std::vector<int64_t> face(static_cast<size_t>(count));
  std::vector<float> w(static_cast<size_t>(3 * count));
  for (int64_t i = 0; i < count; ++i) {
    const double u = rng.uniform() * total;
    face[i] = std::min<int64_t>(faces - 1, std::upper_bound(cum, cum + faces, u) - cum);
    // Uniform in the triangle: the square-root warp of two uniforms.
    const double r1 = std::sqrt(rng.uniform()), r2 = rng.uniform();
    w[3 * i] = static_cast<float>(1 - r1);
    w[3 * i + 1] = static_cast<float>(r1 * (1 - r2));
    w[3 * i + 2] = static_cast<float>(r1 * r2);
  }
  const auto index = torch::tensor(face, torch::kInt64);
  const auto weights = torch::tensor(w).view({count, 3, 1});
  const auto corners = mesh.faces.index_select(0, index);  // count x 3
  auto blend = [&](const torch::Tensor& per_vertex) {
    return (per_vertex.index_select(0, corners.reshape(-1)).view({count, 3, 3}) * weights).sum(1);
  };
  shape3d::PointCloud cloud;
  cloud.xyz = blend(mesh.vertices).contiguous();
  if (mesh.rgb.defined()) cloud.rgb = blend(mesh.rgb).clamp(0, 1).contiguous();
  const auto n = normals.index_select(0, index);
  cloud.normals = (n / n.norm(2, 1, true).clamp_min(1e-12)).contiguous();
  return cloud;
}

}  // namespace gen::solids
