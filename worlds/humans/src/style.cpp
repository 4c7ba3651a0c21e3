#include "style.h"

#include "geometry.h"
#include "world_config.h"

namespace gen::humans {

Style draw_style(Rng& rng) {
  Style s;
  auto draw = [&](const char* key) { return style_range(key).draw(rng); };
  s.step_scale = draw("step_scale");
  s.cadence_scale = draw("cadence_scale");
  s.arm_swing = radians(draw("arm_swing"));
  s.elbow = radians(draw("elbow"));
  s.arm_abduct = radians(draw("arm_abduct"));
  s.lean = radians(draw("lean"));
  s.stance_half_width = draw("stance_half_width");
  s.toe_out = radians(draw("toe_out"));
  s.bob_scale = draw("bob_scale");
  s.clearance_scale = draw("clearance_scale");
  s.start_yaw = radians(draw("start_yaw"));
  s.tempo = draw("tempo");
  s.knee_soft = draw("knee_soft");
  s.sway = draw("sway");
  s.head_bob = radians(draw("head_bob"));
  s.phase = rng.uniform(0, 2 * M_PI);
  return s;
}

}  // namespace gen::humans
