#include <gen/motion/humanml_features.h>

#include <cmath>
#include <string>

#include <gen/error.h>
#include <gen/motion/quaternion.h>

#include "humanml_ik.h"

namespace gen::motion {
namespace {

using torch::indexing::None;
using torch::indexing::Slice;

// Joint indices HumanML3D's processing names (smpl22 order).
constexpr int kLeftHip = 1, kRightHip = 2, kLeftShoulder = 16, kRightShoulder = 17;
constexpr int kLeftAnkle = 7, kLeftFoot = 10, kRightAnkle = 8, kRightFoot = 11;

// Floor, xz origin and +z facing, in double.
torch::Tensor canonicalize_double(const torch::Tensor& positions) {
  auto p = positions.to(torch::kFloat64).clone();
  p.select(-1, 1).sub_(p.select(-1, 1).min());
  auto root0 = p[0][0].clone();
  p.select(-1, 0).sub_(root0[0]);
  p.select(-1, 2).sub_(root0[2]);
  const auto first = p[0];
  auto across = (first[kRightHip] - first[kLeftHip]) + (first[kRightShoulder] - first[kLeftShoulder]);
  auto forward = detail::forward_from_across(across);
  const double length = forward.norm().item<double>();
  if (!(length > 1e-8))
    throw InputError("HumanML3D features: frame 0 has no facing direction (its hips and shoulders are vertical or coincide)");
  auto turn = quat_between(forward / length, torch::tensor({0.0, 0.0, 1.0}, p.options()));
  return quat_rotate(turn.expand({p.size(0), p.size(1), 4}), p);
}

void check_encodable(const Motion& m) {
  check_motion(m);
  if (!same_layout(m.skeleton, smpl22()))
    throw InputError("HumanML3D features need the smpl22 skeleton, not '" + m.skeleton.name + "'");
  if (std::abs(m.fps - kHumanMLFps) > 1e-3)
    throw InputError("HumanML3D features need 20 fps, the motion has " + std::to_string(m.fps) + " (resample it first)");
  if (m.frame_count() < 2) throw InputError("HumanML3D features need at least 2 frames");
}

// Foot contacts [F-1, 4]: l_ankle, l_foot, r_ankle, r_foot.
torch::Tensor foot_contacts(const torch::Tensor& p) {
  std::vector<torch::Tensor> columns;
  for (int joint : {kLeftAnkle, kLeftFoot, kRightAnkle, kRightFoot}) {
    auto track = p.select(1, joint);
    auto moved = (track.slice(0, 1) - track.slice(0, 0, -1)).pow(2).sum(-1);
    columns.push_back((moved < kHumanMLContactThreshold).to(p.dtype()));
  }
  return torch::stack(columns, -1);
}

// The first two columns of each rotation matrix, HumanML3D's "cont6d": [..., 6].
torch::Tensor cont6d(const torch::Tensor& q) {
  auto m = quat_to_matrix(q);
  return torch::cat({m.select(-1, 0), m.select(-1, 1)}, -1);
}

// The per-frame turn of the root [F-1] as HumanML3D stores it: the half angle of the
// y rotation from frame t to t+1. The relative quaternion is taken with w >= 0 (the
// shorter way round); HumanML3D does not, and flips the turn's sign where the root's
// facing crosses -z.
torch::Tensor root_turn(const torch::Tensor& root) {
  auto step = quat_multiply(root.slice(0, 1), quat_conjugate(root.slice(0, 0, -1)));
  step = torch::where(step.narrow(-1, 0, 1) < 0, -step, step);
  return torch::asin(step.select(-1, 2).clamp(-1.0, 1.0));
}

}  // namespace

const std::vector<FeatureSlice>& humanml_feature_slices() {
  static const std::vector<FeatureSlice> slices = {
      {"root_angular_velocity", 0, 1}, {"root_linear_velocity", 1, 2}, {"root_height", 3, 1},
      {"ric", 4, 63},                  {"rotations", 67, 126},        {"local_velocity", 193, 66},
      {"foot_contact", 259, 4}};
  return slices;
}

torch::Tensor humanml_canonicalize(const torch::Tensor& positions) {
  if (positions.dim() != 3 || positions.size(1) != kHumanMLJoints || positions.size(2) != 3 || positions.size(0) < 1)
    throw InputError("HumanML3D positions must be [frames, 22, 3], got " + c10::str(positions.sizes()));
  if (!torch::isfinite(positions).all().item<bool>()) throw InputError("HumanML3D positions are not finite");
  return canonicalize_double(positions).to(positions.scalar_type());
}

torch::Tensor humanml_encode(const Motion& motion) {
  check_encodable(motion);
  const auto p = canonicalize_double(motion.positions);
  const int64_t frames = p.size(0), joints = p.size(1);
  const auto quats = detail::humanml_ik(p);
  const auto root = quats.select(1, 0);
  auto all_but_last = Slice(None, -1);
  // Velocities in the facing frame: the root's with the next frame's rotation, the
  // joints' with the current one (as HumanML3D).
  auto root_velocity = quat_rotate(root.slice(0, 1), p.slice(0, 1).select(1, 0) - p.slice(0, 0, -1).select(1, 0));
  auto ric = p.clone();
  ric.select(-1, 0).sub_(p.select(1, 0).select(-1, 0).unsqueeze(1));
  ric.select(-1, 2).sub_(p.select(1, 0).select(-1, 2).unsqueeze(1));
  ric = quat_rotate(root.unsqueeze(1).expand({frames, joints, 4}), ric);
  auto local_velocity =
      quat_rotate(root.slice(0, 0, -1).unsqueeze(1).expand({frames - 1, joints, 4}), p.slice(0, 1) - p.slice(0, 0, -1));
  const int64_t n = frames - 1;
  auto features = torch::cat({root_turn(root).unsqueeze(-1), root_velocity.index({Slice(), torch::tensor({0, 2})}),
                              p.index({all_but_last, 0, Slice(1, 2)}), ric.index({all_but_last, Slice(1, None)}).reshape({n, -1}),
                              cont6d(quats).index({all_but_last, Slice(1, None)}).reshape({n, -1}),
                              local_velocity.reshape({n, -1}), foot_contacts(p)},
                             -1);
  return features.to(torch::kFloat32);
}

torch::Tensor humanml_decode(const torch::Tensor& features) {
  if (features.dim() < 2 || features.size(-1) != kHumanMLFeatureSize || features.size(-2) < 1)
    throw InputError("HumanML3D features must be [..., frames, 263], got " + c10::str(features.sizes()));
  const auto data = features.to(torch::kFloat64);
  // The root turns by frame t's angular velocity between t and t+1; frame 0 faces +z.
  auto angle = torch::zeros_like(data.select(-1, 0));
  angle.slice(-1, 1).copy_(data.select(-1, 0).slice(-1, 0, -1));
  angle = angle.cumsum(-1);
  auto zero = torch::zeros_like(angle);
  auto facing_inverse = torch::stack({angle.cos(), zero, -angle.sin(), zero}, -1);  // conjugate of the root rotation
  // Root: xz by integrating the facing-frame velocities, y as stored.
  auto step = torch::zeros_like(data.narrow(-1, 0, 3));
  step.slice(-2, 1).select(-1, 0).copy_(data.slice(-2, 0, -1).select(-1, 1));
  step.slice(-2, 1).select(-1, 2).copy_(data.slice(-2, 0, -1).select(-1, 2));
  auto root = quat_rotate(facing_inverse, step).cumsum(-2);
  root.select(-1, 1).copy_(data.select(-1, 3));
  // Joints: un-rotate the ric part, then add the root's xz.
  auto shape = data.sizes().vec();
  shape.back() = kHumanMLJoints - 1;
  shape.push_back(3);
  auto local = data.narrow(-1, 4, (kHumanMLJoints - 1) * 3).reshape(shape);
  auto joints = quat_rotate(facing_inverse.unsqueeze(-2), local);
  auto root_xz = root.unsqueeze(-2).clone();
  root_xz.select(-1, 1).zero_();
  auto positions = torch::cat({root.unsqueeze(-2), joints + root_xz}, -2);
  return positions.to(features.scalar_type());
}

Motion humanml_motion(const torch::Tensor& features) {
  if (features.dim() != 2) throw InputError("HumanML3D features of one motion must be [frames, 263]");
  Motion m;
  m.skeleton = smpl22();
  m.fps = kHumanMLFps;
  m.positions = humanml_decode(features).to(torch::kFloat32);
  return m;
}

}  // namespace gen::motion
