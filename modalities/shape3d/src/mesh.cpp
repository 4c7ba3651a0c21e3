#include <gen/error.h>
#include <gen/shape3d/mesh.h>

#include <torch/torch.h>

namespace gen::shape3d {

void check_mesh(const Mesh& mesh, const std::string& what) {
  const auto v = mesh.vertex_count();
  if (v < 3) throw InputError(what + " has fewer than 3 vertices");
  auto rows = [&](const torch::Tensor& t, const char* field) {
    if (!t.defined()) return;
    if (t.dim() != 2 || t.size(0) != v || t.size(1) != 3 || t.scalar_type() != torch::kFloat32)
      throw InputError(what + ": " + field + " must be a float32 tensor of " + std::to_string(v) + " x 3");
    if (!torch::isfinite(t).all().item<bool>()) throw InputError(what + ": " + field + " holds NaN or infinite values");
  };
  rows(mesh.vertices, "vertices");
  rows(mesh.rgb, "rgb");
  rows(mesh.normals, "normals");
  if (mesh.rgb.defined() && (mesh.rgb.min().item<float>() < 0 || mesh.rgb.max().item<float>() > 1))
    throw InputError(what + ": colours must lie in [0, 1]");
  if (!mesh.faces.defined() || mesh.faces.dim() != 2 || mesh.faces.size(1) != 3 || mesh.faces.scalar_type() != torch::kInt64)
    throw InputError(what + ": faces must be an int64 tensor of F x 3");
  if (mesh.face_count() < 1) throw InputError(what + " has no faces");
  if (mesh.faces.min().item<int64_t>() < 0 || mesh.faces.max().item<int64_t>() >= v)
    throw InputError(what + ": a face names a vertex that does not exist");
}

}  // namespace gen::shape3d
