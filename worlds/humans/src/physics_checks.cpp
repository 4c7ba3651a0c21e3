#include <gen/humans/physics_checks.h>

#include <gen/error.h>

#include "body.h"

namespace gen::humans {

namespace {

torch::Tensor checked(const torch::Tensor& positions) {
  if (!positions.defined() || positions.dim() != 3 || positions.size(1) != kJoints || positions.size(2) != 3 ||
      positions.size(0) < 1)
    throw InputError("physics checks need joint positions [frames >= 1, 22, 3] in the smpl22 order");
  auto p = positions.to(torch::kFloat64);
  if (!torch::isfinite(p).all().item<bool>()) throw InputError("physics checks need finite joint positions");
  return p;
}

void check_fps(double fps) {
  if (!(fps > 0 && fps <= 1000)) throw InputError("physics checks need a frame rate in (0, 1000] fps");
}

}  // namespace

double foot_skating_ratio(const torch::Tensor& positions, double fps) {
  check_fps(fps);
  const auto p = checked(positions);
  const int64_t f = p.size(0);
  if (f < 2) return 0;
  const auto feet = p.index_select(1, torch::tensor({int64_t{kLeftFoot}, int64_t{kRightFoot}}));  // [F, 2, 3]
  const auto step = feet.narrow(0, 1, f - 1) - feet.narrow(0, 0, f - 1);
  const auto speed = step.index_select(2, torch::tensor({int64_t{0}, int64_t{2}})).norm(2, 2) * fps;  // [F-1, 2]
  // Centred 5-step mean with zeros outside the clip.
  const auto padded = torch::constant_pad_nd(speed.t(), {2, 2}, 0.0);  // [2, F+3]
  const auto smoothed = padded.unfold(1, 5, 1).mean(2).t();               // [F-1, 2]
  const auto height = feet.select(2, 1);
  const auto contact = (height.narrow(0, 0, f - 1) < kSkatingHeight) & (height.narrow(0, 1, f - 1) < kSkatingHeight);
  const auto skating = contact & (speed > kSkatingSpeed) & (smoothed > kSkatingSpeed);
  return skating.any(1).to(torch::kFloat64).mean().item<double>();
}

Penetration ground_penetration(const torch::Tensor& positions) {
  const auto p = checked(positions);
  const auto depth = (-p.select(2, 1).amin(1)).clamp_min(0);  // [F]
  return {depth.mean().item<double>(), depth.max().item<double>()};
}

double jitter(const torch::Tensor& positions, double fps) {
  check_fps(fps);
  const auto p = checked(positions);
  if (p.size(0) < 4) return 0;
  const auto jerk = p.diff(1, 0).diff(1, 0).diff(1, 0) * (fps * fps * fps);
  return jerk.norm(2, 2).mean().item<double>();
}

PhysicsReport measure_physics(const torch::Tensor& positions, double fps) {
  PhysicsReport r;
  r.skating_ratio = foot_skating_ratio(positions, fps);
  r.penetration = ground_penetration(positions);
  r.jitter = jitter(positions, fps);
  return r;
}

}  // namespace gen::humans
