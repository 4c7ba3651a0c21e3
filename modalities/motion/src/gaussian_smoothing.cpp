#include "gaussian_smoothing.h"

#include <cmath>

namespace gen::motion::detail {

torch::Tensor gaussian_smooth_nearest(const torch::Tensor& x, double sigma) {
  const int64_t radius = static_cast<int64_t>(4.0 * sigma + 0.5);
  const int64_t frames = x.size(0);
  auto opts = torch::TensorOptions().dtype(torch::kInt64);
  auto taps = torch::arange(-radius, radius + 1, opts);
  auto weights = torch::exp(-0.5 * taps.to(x.dtype()).pow(2) / (sigma * sigma));
  weights = weights / weights.sum();
  // Clamping the sample index is exactly "nearest" padding.
  auto index = (torch::arange(frames, opts).unsqueeze(1) + taps.unsqueeze(0)).clamp(0, frames - 1);
  auto gathered = x.index_select(0, index.reshape(-1)).reshape({frames, 2 * radius + 1, -1});
  auto smoothed = (gathered * weights.view({1, -1, 1})).sum(1);
  return smoothed.reshape(x.sizes());
}

}  // namespace gen::motion::detail
