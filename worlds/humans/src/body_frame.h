// One frame of an animation before the legs are solved: where the pelvis is and how
// it is turned, the upper body's local rotations, and where each foot should be. The
// pose solver (pose_solver.h) lowers the pelvis where the legs could not reach and
// solves the legs by inverse kinematics, so a planted foot stays exactly planted.
#pragma once
#include <array>
#include <vector>

#include "body.h"
#include "geometry.h"
#include "style.h"

namespace gen::humans {

// A foot, given by its toe (the smpl22 foot joint, at the ball of the foot) and its
// orientation: the foot's frame is rot_y(yaw) * rot_x(pitch), so pitch > 0 lifts the
// heel (pointed toes) and pitch < 0 lifts the toes.
struct FootTarget {
  Vec3 toe;
  double yaw = 0;
  double pitch = 0;
  bool contact = true;  // some part of the foot (heel, sole or toe) is on the floor
};

// Where the ankle is for a foot target.
inline Vec3 ankle_of(const FootTarget& f) { return f.toe - rotate(rot_y(f.yaw) * rot_x(f.pitch), body().toe); }

struct BodyFrame {
  Vec3 pelvis;           // world position; y is the wished height (the solver may only lower it)
  Quat pelvis_rotation;  // global
  Rotations local;       // local rotations of the spine, head and arms; leg entries are ignored
  std::array<FootTarget, 2> feet;
};
using Track = std::vector<BodyFrame>;

// Standing on both feet: where actions start and end.
struct StandState {
  Vec3 ground;  // the point on the floor under the pelvis
  double yaw = 0;
  std::array<FootTarget, 2> feet;
};

// A foot in the neutral stance for a pelvis over `ground` facing `yaw`: half_width
// from the midline, turned out by the style's toe_out.
FootTarget neutral_foot(Vec3 ground, double yaw, int side, double half_width, const Style& style);
StandState neutral_stance(Vec3 ground, double yaw, const Style& style);
// The pelvis's height when standing at ease.
double standing_height(const Style& style);

}  // namespace gen::humans
