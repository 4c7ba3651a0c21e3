#include "slot_order.h"

#include <cmath>

#include <torch/torch.h>

namespace points3d {

torch::Tensor slot_directions(int64_t slots) {
  const auto i = torch::arange(slots, torch::kFloat64) + 0.5;
  const auto y = 1 - 2 * i / static_cast<double>(slots);
  const auto r = torch::sqrt((1 - y * y).clamp_min(0));
  const auto phi = i * (M_PI * (3 - std::sqrt(5.0)));  // the golden angle
  return torch::stack({r * torch::cos(phi), y, r * torch::sin(phi)}, 1).to(torch::kFloat32);
}

torch::Tensor order_into_slots(const torch::Tensor& xyz, int64_t slots) {
  const auto p = xyz.to(torch::kFloat32);
  const auto from_centre = p - p.mean(0, true);
  const auto direction = from_centre / from_centre.norm(2, 1, true).clamp_min(1e-8);
  return torch::matmul(slot_directions(slots), direction.t()).argmax(1);
}

}  // namespace points3d
