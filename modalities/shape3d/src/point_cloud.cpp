#include <gen/error.h>
#include <gen/shape3d/point_cloud.h>

#include <torch/torch.h>

namespace gen::shape3d {

namespace {

void check_rows(const torch::Tensor& t, int64_t n, const std::string& what, const char* field) {
  if (!t.defined()) return;
  if (t.dim() != 2 || t.size(0) != n || t.size(1) != 3 || t.scalar_type() != torch::kFloat32)
    throw InputError(what + ": " + field + " must be a float32 tensor of " + std::to_string(n) + " x 3");
  if (!torch::isfinite(t).all().item<bool>()) throw InputError(what + ": " + field + " holds NaN or infinite values");
}

}  // namespace

void check_point_cloud(const PointCloud& cloud, const std::string& what) {
  if (cloud.size() < 1) throw InputError(what + " has no points");
  const auto n = cloud.size();
  check_rows(cloud.xyz, n, what, "xyz");
  check_rows(cloud.rgb, n, what, "rgb");
  check_rows(cloud.normals, n, what, "normals");
  if (cloud.has_colors() && (cloud.rgb.min().item<float>() < 0 || cloud.rgb.max().item<float>() > 1))
    throw InputError(what + ": colours must lie in [0, 1]");
}

torch::Tensor bounds(const torch::Tensor& xyz) {
  return torch::stack({std::get<0>(xyz.min(0)), std::get<0>(xyz.max(0))});
}

}  // namespace gen::shape3d
