// Analytic two-bone inverse kinematics (hip-knee-ankle, shoulder-elbow-wrist): the
// middle joint is a hinge, bent towards a pole direction, and the end reaches the
// target exactly when it is within reach (else the chain points straight at it).
#pragma once
#include "geometry.h"

namespace gen::humans {

struct TwoBoneChain {
  Vec3 upper;  // rest offset of the middle joint from the base joint (in the base's frame)
  Vec3 lower;  // rest offset of the end joint from the middle joint (in the middle's frame)
  // The hinge axis at rest: the axis the lower bone bends about, perpendicular to both
  // bones, signed so that the pole direction at rest (knee: forward, elbow: backward)
  // is cross(hinge, bone direction). Legs: +x; arms: -x.
  Vec3 hinge;
};

struct TwoBoneSolution {
  Quat upper;   // global rotation of the base joint (hip / shoulder)
  Quat lower;   // global rotation of the middle joint (knee / elbow)
  Vec3 middle;  // where the middle joint ends up
  Vec3 end;     // where the end joint ends up (the target when reachable)
  bool reached = true;
};

// base: the base joint's world position; pole: the direction the middle joint should
// point to (any length, need not be perpendicular to the limb).
TwoBoneSolution solve_two_bone(const TwoBoneChain& chain, Vec3 base, Vec3 target, Vec3 pole);

}  // namespace gen::humans
