#include "frame_change_loss.h"

#include <gen/error.h>

namespace video_temporal {

torch::Tensor frame_change_loss(const torch::Tensor& x0_estimate, const torch::Tensor& x0) {
  if (x0_estimate.dim() != 5 || x0_estimate.sizes() != x0.sizes())
    throw gen::UsageError("frame_change_loss: estimate and clips must both be [B, C, F, H, W]");
  auto change = [](const torch::Tensor& clip) { return clip - clip.mean(2, /*keepdim=*/true); };
  return (change(x0_estimate) - change(x0)).pow(2).mean();
}

}  // namespace video_temporal
