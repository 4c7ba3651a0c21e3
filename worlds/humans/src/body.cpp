#include "body.h"

#include <string>

#include <gen/error.h>
#include <gen/motion/skeleton.h>

namespace gen::humans {

namespace {

Body make_body() {
  const auto& skeleton = motion::smpl22();
  static const char* kNames[kJoints] = {"pelvis", "left_hip", "right_hip", "spine1", "left_knee", "right_knee",
                                        "spine2", "left_ankle", "right_ankle", "spine3", "left_foot",
                                        "right_foot", "neck", "left_collar", "right_collar", "head",
                                        "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
                                        "left_wrist", "right_wrist"};
  if (skeleton.joint_count() != kJoints) throw Error("the humans world needs the 22-joint smpl22 skeleton");
  Body b;
  auto offsets = skeleton.offsets.to(torch::kFloat64).contiguous();
  auto acc = offsets.accessor<double, 2>();
  for (int j = 0; j < kJoints; ++j) {
    if (skeleton.joints[j] != kNames[j])
      throw Error("smpl22 joint " + std::to_string(j) + " is '" + skeleton.joints[j] + "', the animator expects '" +
                  kNames[j] + "'");
    b.parent[j] = skeleton.parents[j];
    b.offset[j] = {acc[j][0], acc[j][1], acc[j][2]};
  }
  b.thigh = norm(b.offset[kLeftKnee]);
  b.shin = norm(b.offset[kLeftAnkle]);
  b.upper_arm = norm(b.offset[kLeftElbow]);
  b.forearm = norm(b.offset[kLeftWrist]);
  b.toe = b.offset[kLeftFoot];
  // The heel sits as far behind the ankle as the ankle is behind the knee's line, about
  // 5 cm, at the sole (the toe joint's height).
  b.heel = {0, b.toe.y, -0.05};
  b.rest_height = -(b.offset[kLeftHip].y + b.offset[kLeftKnee].y + b.offset[kLeftAnkle].y + b.toe.y);
  return b;
}

}  // namespace

const Body& body() {
  static const Body b = make_body();
  return b;
}

GlobalPose forward_kinematics(const Body& body, const Rotations& local, Vec3 root) {
  GlobalPose g;
  g.position[0] = root;
  g.rotation[0] = local[0];
  for (int j = 1; j < kJoints; ++j) {
    const int p = body.parent[j];
    g.position[j] = g.position[p] + rotate(g.rotation[p], body.offset[j]);
    g.rotation[j] = g.rotation[p] * local[j];
  }
  return g;
}

}  // namespace gen::humans
