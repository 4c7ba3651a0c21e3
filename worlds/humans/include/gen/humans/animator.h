// The humans world's procedural character animator: a MotionSpec and a seed in, a
// smpl22 Motion out (local rotations as quaternions, root positions, and the global
// positions forward_kinematics gives), with per-frame foot contacts and where each
// action begins and ends.
//
// Physically plausible by construction: every footstep is planned (a gait cycle of
// stance and swing phases), each planted foot stays exactly where it landed — the legs
// are solved by analytic two-bone IK to reach it, the pelvis lowered where they could
// not — the lowest foot joint never goes below the floor (y = 0) and rests on it when
// standing, the pelvis bobs with the steps, the arms swing against the legs, and a
// jump flies ballistically under g = 9.81 m/s^2. Each motion starts and ends standing
// (sit_down ends seated); two actions are joined by a 0.3 s blend.
//
// Variation: the seed draws the body's style (step length, cadence, arm swing, lean,
// stance width, toe-out, timing, start facing within 30 degrees of +z) and every
// action's own ranges (configs/humans/actions.json), so samples of one spec differ.
// The same spec, seed and fps give the same tensors, bit for bit.
#pragma once
#include <cstdint>
#include <vector>

#include <torch/types.h>

#include <gen/export.h>
#include <gen/humans/motion_spec.h>
#include <gen/motion/motion.h>

namespace gen::humans {

struct ActionSpan {
  int64_t start = 0, end = 0;  // frames [start, end) of the clip given to this action
  int count = 1;               // repetitions performed (jumps, kicks, claps, crouches, arm raises; else 1)
};

struct AnimatedMotion {
  motion::Motion motion;        // smpl22 at the requested fps; rotations and positions defined
  torch::Tensor root;           // float [F, 3]: the pelvis (= motion.positions[:, 0])
  torch::Tensor contacts;       // bool [F, 2]: left, right foot touching the floor (heel, sole or toe)
  std::vector<ActionSpan> spans;  // one per action, in order
  double start_yaw = 0;         // heading at frame 0 (radians; 0 faces +z, + turns left)
  double end_yaw = 0;           // heading at the last frame
};

// Clip durations: each motion lasts 2 s at least, and targets at most 6 s (locomotion
// is shortened to fit; a sequence of long repeated actions may run to about 9 s).
constexpr double kMinDuration = 2.0;

// Throws gen::UsageError for an invalid spec (check_motion_spec) or an fps outside [5, 120].
GEN_API AnimatedMotion animate(const MotionSpec& spec, uint64_t seed, double fps = 20.0);

}  // namespace gen::humans
