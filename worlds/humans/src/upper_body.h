// The upper body as a few named angles (trunk lean and twist, head, arms) turned into
// local joint rotations, and the arm's inverse kinematics for gestures that put a hand
// somewhere (a wave above the shoulder, hands meeting for a clap).
#pragma once
#include "body.h"
#include "body_frame.h"

namespace gen::humans {

// Radians. flex swings the arm forward (and up past 90 degrees), abduct out to the
// side, elbow bends the forearm forward.
struct ArmAngles {
  double flex = 0, abduct = 0, elbow = 0;
};

struct UpperBody {
  double lean = 0;        // trunk pitch over the pelvis, + forward; spread over the spine
  double twist = 0;       // chest yaw over the pelvis, + turns the chest to the left
  double bend = 0;        // side bend, + towards the left
  double head_pitch = 0;  // + looks down
  double head_yaw = 0;    // + looks left
  std::array<double, 2> shrug{};  // collar elevation per side (raising an arm overhead lifts it)
  std::array<ArmAngles, 2> arm;
};

// The rest of the body at ease: arms hanging slightly out with soft elbows.
UpperBody relaxed_upper_body(const Style& style);
// Blends every angle (for transitions inside an action).
UpperBody mix(const UpperBody& a, const UpperBody& b, double t);
// Sets the local rotations of the spine, neck, head, collars, arms and wrists.
void pose_upper_body(const UpperBody& upper, Rotations& local);

// Bends the arm of `side` so the wrist reaches `target`, given relative to the pelvis
// (world orientation, pelvis at the origin); the elbow points along `pole`. Uses the
// spine and collar rotations already in `local`.
void reach_with_arm(Quat pelvis_rotation, Rotations& local, int side, Vec3 target, Vec3 pole);
// Where the shoulder joint of `side` is relative to the pelvis, for placing targets.
Vec3 shoulder_from_pelvis(Quat pelvis_rotation, const Rotations& local, int side);

}  // namespace gen::humans
