#include <gen/motion/motion.h>

#include <gen/error.h>
#include <gen/motion/quaternion.h>

namespace gen::motion {

namespace {

void check_shape(const torch::Tensor& t, const std::string& what, std::vector<int64_t> last) {
  bool ok = t.defined() && t.dim() == 3 && t.size(1) == last[0] && t.size(2) == last[1];
  if (!ok)
    throw InputError("motion " + what + " must be [frames, " + std::to_string(last[0]) + ", " +
                     std::to_string(last[1]) + "]");
  if (!torch::isfinite(t).all().item<bool>()) throw InputError("motion " + what + " are not finite (NaN or inf)");
}

}  // namespace

void check_motion(const Motion& m) {
  check_skeleton(m.skeleton);
  if (!(m.fps > 0 && m.fps <= 1000)) throw InputError("motion frame rate must be in (0, 1000] fps");
  const int64_t joints = m.skeleton.joint_count();
  check_shape(m.positions, "positions", {joints, 3});
  if (m.positions.size(0) < 1) throw InputError("motion has no frames");
  if (m.rotations.defined()) {
    check_shape(m.rotations, "rotations", {joints, 4});
    if (m.rotations.size(0) != m.positions.size(0))
      throw InputError("motion rotations and positions differ in frame count");
  }
}

torch::Tensor forward_kinematics(const Skeleton& skeleton, const torch::Tensor& rotations,
                                 const torch::Tensor& root_positions) {
  const int joints = skeleton.joint_count();
  if (rotations.dim() != 3 || rotations.size(1) != joints || rotations.size(2) != 4)
    throw InputError("forward kinematics needs rotations [frames, " + std::to_string(joints) + ", 4]");
  if (root_positions.dim() != 2 || root_positions.size(0) != rotations.size(0) || root_positions.size(1) != 3)
    throw InputError("forward kinematics needs root positions [frames, 3] matching the rotations");
  auto offsets = skeleton.offsets.to(rotations.dtype());
  std::vector<torch::Tensor> global_rotation(joints), position(joints);
  global_rotation[0] = rotations.select(1, 0);
  position[0] = root_positions;
  for (int j = 1; j < joints; ++j) {
    const int p = skeleton.parents[j];
    position[j] = position[p] + quat_rotate(global_rotation[p], offsets[j].expand_as(root_positions));
    global_rotation[j] = quat_multiply(global_rotation[p], rotations.select(1, j));
  }
  return torch::stack(position, 1);
}

Motion motion_from_rotations(const Skeleton& skeleton, const torch::Tensor& rotations,
                             const torch::Tensor& root_positions, double fps) {
  Motion m;
  m.skeleton = skeleton;
  m.fps = fps;
  m.rotations = rotations;
  m.positions = forward_kinematics(skeleton, rotations, root_positions);
  return m;
}

}  // namespace gen::motion
