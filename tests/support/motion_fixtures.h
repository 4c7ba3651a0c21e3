// Procedural smpl22 motions with known geometry for the motion library's tests and the
// motion_walk test plugin: forward kinematics of hand-set joint angles, so every pose is
// a rigid posing of smpl22 and positions and rotations agree exactly.
#pragma once
#include <cmath>

#include <gen/motion/motion.h>
#include <gen/motion/quaternion.h>

namespace gen::test {

// A walk at ~1.2 m/s: legs and arms swing (one stride per second), knees bend, the
// pelvis bobs and rolls, the spine twists, and the heading turns steadily by
// `turn_degrees` over the clip (a full 360 or more spins through every facing).
inline gen::motion::Motion walking_motion(int frames = 60, double fps = 20, double turn_degrees = 90,
                                          double start_heading_degrees = 0) {
  namespace m = gen::motion;
  const auto& s = m::smpl22();
  auto rotations = m::quat_identity({frames, s.joint_count()});
  auto root = torch::zeros({frames, 3});
  const auto x_axis = torch::tensor({1.0f, 0.0f, 0.0f}), y_axis = torch::tensor({0.0f, 1.0f, 0.0f}),
             z_axis = torch::tensor({0.0f, 0.0f, 1.0f});
  auto about = [](const torch::Tensor& axis, double radians) {
    return m::quat_from_axis_angle(axis, torch::tensor(static_cast<float>(radians)));
  };
  auto set = [&](int f, const char* joint, const torch::Tensor& q) { rotations[f][s.index_of(joint)] = q; };
  double x = 0, z = 0;
  for (int f = 0; f < frames; ++f) {
    const double t = f / fps, phase = 2 * M_PI * t;
    const double heading = (start_heading_degrees + turn_degrees * f / std::max(1, frames - 1)) * M_PI / 180;
    if (f > 0) x += 1.2 / fps * std::sin(heading), z += 1.2 / fps * std::cos(heading);
    root[f][0] = x, root[f][1] = 0.93 + 0.02 * std::cos(2 * phase), root[f][2] = z;
    set(f, "pelvis", m::quat_multiply(about(y_axis, heading), about(z_axis, 0.05 * std::sin(phase))));
    const double swing = 0.45 * std::sin(phase);
    set(f, "left_hip", about(x_axis, -swing));
    set(f, "right_hip", about(x_axis, swing));
    set(f, "left_knee", about(x_axis, 0.6 * std::max(0.0, std::sin(phase + 1.2))));
    set(f, "right_knee", about(x_axis, 0.6 * std::max(0.0, -std::sin(phase + 1.2))));
    set(f, "left_ankle", about(x_axis, -0.2 * std::sin(phase)));
    set(f, "right_ankle", about(x_axis, 0.2 * std::sin(phase)));
    set(f, "spine2", about(y_axis, -0.15 * std::sin(phase)));
    set(f, "left_shoulder", m::quat_multiply(about(z_axis, 0.15), about(x_axis, 0.5 * std::sin(phase))));
    set(f, "right_shoulder", m::quat_multiply(about(z_axis, -0.15), about(x_axis, -0.5 * std::sin(phase))));
    set(f, "left_elbow", about(x_axis, -0.4 - 0.2 * std::sin(phase)));
    set(f, "right_elbow", about(x_axis, -0.4 + 0.2 * std::sin(phase)));
    set(f, "head", about(y_axis, 0.1 * std::sin(0.5 * phase)));
  }
  return m::motion_from_rotations(s, rotations, root, fps);
}

}  // namespace gen::test
