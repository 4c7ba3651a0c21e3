// The smpl22 body as the animator sees it: joint indices by name, bone vectors as
// scalars, the foot's contact points, and forward kinematics of one pose. Everything
// is read from gen::motion::smpl22(), so the animator follows the skeleton if its bone
// lengths change.
#pragma once
#include <array>

#include "geometry.h"

namespace gen::humans {

// smpl22 joint indices (HumanML3D order); checked against the skeleton's names.
enum Joint : int {
  kPelvis = 0, kLeftHip = 1, kRightHip = 2, kSpine1 = 3, kLeftKnee = 4, kRightKnee = 5, kSpine2 = 6,
  kLeftAnkle = 7, kRightAnkle = 8, kSpine3 = 9, kLeftFoot = 10, kRightFoot = 11, kNeck = 12,
  kLeftCollar = 13, kRightCollar = 14, kHead = 15, kLeftShoulder = 16, kRightShoulder = 17,
  kLeftElbow = 18, kRightElbow = 19, kLeftWrist = 20, kRightWrist = 21,
};
constexpr int kJoints = 22;

// Sides are 0 = left, 1 = right; the left side is at +x.
constexpr int kLeft = 0, kRight = 1;
inline double side_sign(int side) { return side == kLeft ? 1.0 : -1.0; }
inline int hip(int side) { return side == kLeft ? kLeftHip : kRightHip; }
inline int knee(int side) { return side == kLeft ? kLeftKnee : kRightKnee; }
inline int ankle(int side) { return side == kLeft ? kLeftAnkle : kRightAnkle; }
inline int foot(int side) { return side == kLeft ? kLeftFoot : kRightFoot; }
inline int collar(int side) { return side == kLeft ? kLeftCollar : kRightCollar; }
inline int shoulder(int side) { return side == kLeft ? kLeftShoulder : kRightShoulder; }
inline int elbow(int side) { return side == kLeft ? kLeftElbow : kRightElbow; }
inline int wrist(int side) { return side == kLeft ? kLeftWrist : kRightWrist; }

using Rotations = std::array<Quat, kJoints>;

struct Body {
  std::array<int, kJoints> parent{};
  std::array<Vec3, kJoints> offset{};  // rest offset from the parent
  double thigh = 0, shin = 0;          // hip-knee and knee-ankle lengths
  double upper_arm = 0, forearm = 0;   // shoulder-elbow and elbow-wrist lengths
  Vec3 toe;   // the foot joint (ball of the foot) from the ankle, in the foot's frame
  Vec3 heel;  // a point under the heel at the sole's height (not a joint): the heel-strike pivot
  double rest_height = 0;  // the pelvis's height when standing straight with the soles flat on the floor
  double leg_length() const { return thigh + shin; }
};

// The body of gen::motion::smpl22() (built once).
const Body& body();

struct GlobalPose {
  std::array<Vec3, kJoints> position;
  std::array<Quat, kJoints> rotation;
};
// Global joint positions and rotations of local rotations with the root at `root`,
// exactly as gen::motion::forward_kinematics computes them.
GlobalPose forward_kinematics(const Body& body, const Rotations& local, Vec3 root);

}  // namespace gen::humans
