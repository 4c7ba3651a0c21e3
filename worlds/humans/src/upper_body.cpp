#include "upper_body.h"

#include "two_bone_ik.h"

namespace gen::humans {

UpperBody relaxed_upper_body(const Style& style) {
  UpperBody u;
  u.lean = style.lean * 0.5;
  for (int side : {kLeft, kRight}) u.arm[side] = {0.03, style.arm_abduct, style.elbow};
  return u;
}

UpperBody mix(const UpperBody& a, const UpperBody& b, double t) {
  UpperBody u;
  u.lean = mix(a.lean, b.lean, t);
  u.twist = mix(a.twist, b.twist, t);
  u.bend = mix(a.bend, b.bend, t);
  u.head_pitch = mix(a.head_pitch, b.head_pitch, t);
  u.head_yaw = mix(a.head_yaw, b.head_yaw, t);
  for (int s : {kLeft, kRight}) {
    u.shrug[s] = mix(a.shrug[s], b.shrug[s], t);
    u.arm[s] = {mix(a.arm[s].flex, b.arm[s].flex, t), mix(a.arm[s].abduct, b.arm[s].abduct, t),
                mix(a.arm[s].elbow, b.arm[s].elbow, t)};
  }
  return u;
}

void pose_upper_body(const UpperBody& u, Rotations& local) {
  // The lower spine takes most of a lean, the chest most of a twist, as a back does.
  const double lean_share[3] = {0.4, 0.35, 0.25}, twist_share[3] = {0.2, 0.35, 0.45};
  const int spine[3] = {kSpine1, kSpine2, kSpine3};
  for (int i = 0; i < 3; ++i)
    local[spine[i]] = rot_y(u.twist * twist_share[i]) * rot_x(u.lean * lean_share[i]) * rot_z(-u.bend / 3);
  local[kNeck] = rot_y(u.head_yaw * 0.5) * rot_x(u.head_pitch * 0.5);
  local[kHead] = rot_y(u.head_yaw * 0.5) * rot_x(u.head_pitch * 0.5);
  for (int side : {kLeft, kRight}) {
    const double s = side_sign(side);
    const auto& a = u.arm[side];
    local[collar(side)] = rot_z(s * u.shrug[side]);
    // Flexion about the body's x axis after abduction about z: the arm rises in the
    // plane its abduction chose, so 180 degrees of flexion is straight overhead.
    local[shoulder(side)] = rot_x(-a.flex) * rot_z(s * a.abduct);
    local[elbow(side)] = rot_x(-a.elbow);
    local[wrist(side)] = Quat{};
  }
}

namespace {

// Global rotation and position of the collar of `side` with the pelvis at the origin.
GlobalPose chest_pose(Quat pelvis_rotation, const Rotations& local) {
  Rotations with_root = local;
  with_root[kPelvis] = pelvis_rotation;
  return forward_kinematics(body(), with_root, {0, 0, 0});
}

}  // namespace

Vec3 shoulder_from_pelvis(Quat pelvis_rotation, const Rotations& local, int side) {
  return chest_pose(pelvis_rotation, local).position[shoulder(side)];
}

void reach_with_arm(Quat pelvis_rotation, Rotations& local, int side, Vec3 target, Vec3 pole) {
  const auto& b = body();
  const auto g = chest_pose(pelvis_rotation, local);
  const Quat collar_rotation = g.rotation[collar(side)];
  // The chain's rest bones as seen in world orientation under the collar's rotation.
  TwoBoneChain chain{rotate(collar_rotation, b.offset[elbow(side)]), rotate(collar_rotation, b.offset[wrist(side)]),
                     rotate(collar_rotation, {-1, 0, 0})};
  const auto solution = solve_two_bone(chain, g.position[shoulder(side)], target, pole);
  // solve_two_bone's rotations take the chain's (collar-rotated) rest frame to the
  // solution; the joints' global rotations are those applied after the collar's.
  const Quat shoulder_global = solution.upper * collar_rotation;
  const Quat elbow_global = solution.lower * collar_rotation;
  local[shoulder(side)] = conjugate(collar_rotation) * shoulder_global;
  local[elbow(side)] = conjugate(shoulder_global) * elbow_global;
}

}  // namespace gen::humans
