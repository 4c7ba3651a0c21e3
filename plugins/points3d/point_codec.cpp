// Clouds <-> diffusion space: coordinates divided by the model's xyz_scale (the solids
// world's clouds fit in +-0.55, so +-1.1 after the default 0.5), colours to [-1, 1], as
// Point-E feeds its transformer.
#include <gen/error.h>

#include "points3d.h"

namespace points3d {

torch::Tensor encode_points(const torch::Tensor& points, const PointTransformerConfig& c) {
  if (points.dim() != 2 || (points.size(1) != 3 && points.size(1) != 6))
    throw gen::InputError("a cloud to encode must be [N, 3] or [N, 6], got " + c10::str(points.sizes()));
  if (points.size(1) < c.channels) throw gen::InputError("this model's clouds have colours; the cloud has none");
  auto p = points.to(torch::kFloat32);
  auto xyz = p.narrow(1, 0, 3) / c.xyz_scale;
  auto latent = c.channels == 6 ? torch::cat({xyz, p.narrow(1, 3, 3) * 2 - 1}, 1) : xyz;
  return latent.t().unsqueeze(0).contiguous();
}

torch::Tensor decode_points(const torch::Tensor& latent, const PointTransformerConfig& c) {
  if (latent.dim() != 2 || latent.size(0) != c.channels)
    throw gen::ModelError("a point latent must be [" + std::to_string(c.channels) + ", N], got " + c10::str(latent.sizes()));
  auto xyz = latent.narrow(0, 0, 3) * c.xyz_scale;
  auto points = c.channels == 6 ? torch::cat({xyz, ((latent.narrow(0, 3, 3) + 1) / 2).clamp(0, 1)}, 0) : xyz;
  return points.t().contiguous();
}

}  // namespace points3d
