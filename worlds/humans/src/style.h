// How one sample's character moves, drawn once per motion from its seed (ranges in
// configs/humans/actions.json "style"): the natural variation that makes two samples
// of one caption differ while both stay true to it.
#pragma once
#include <gen/seeded_rng.h>

namespace gen::humans {

struct Style {
  double step_scale = 1;       // multiplies step lengths (through the speed at a fixed cadence)
  double cadence_scale = 1;    // multiplies cadences
  double arm_swing = 0.4;      // arm swing amplitude when walking (radians each way)
  double elbow = 0.25;         // resting elbow flexion (radians)
  double arm_abduct = 0.1;     // resting arm abduction (radians)
  double lean = 0;             // extra forward trunk lean (radians)
  double stance_half_width = 0.09;  // standing: each toe's distance from the midline (m)
  double toe_out = 0.1;        // feet turned out (radians)
  double bob_scale = 1;        // multiplies the pelvis's vertical bob
  double clearance_scale = 1;  // multiplies how high swinging feet lift
  double start_yaw = 0;        // heading at the first frame (radians; 0 faces +z)
  double tempo = 1;            // multiplies the durations of gestures
  double knee_soft = 0.01;     // how much the pelvis sits below straight legs when standing (m)
  double sway = 0.008;         // idle sway amplitude (m)
  double head_bob = 0;         // small nods (radians)
  double phase = 0;            // idle sway phase (radians)
};

Style draw_style(Rng& rng);

}  // namespace gen::humans
