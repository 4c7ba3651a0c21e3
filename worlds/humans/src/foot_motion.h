// A foot on the floor (stance) and in the air (swing). During a stance the foot rolls:
// it may land on the heel (pivoting about it until the sole is flat) or the toes, stays
// flat, and leaves by rolling over the toes (or the heel, walking backwards); whichever
// part touches the floor does not move. A swing lifts the toe first and moves it
// across only once it is clear of the floor, then sets it down from above, so the
// foot never slides while low (the skating measure of physics_checks.h).
#pragma once
#include "body_frame.h"

namespace gen::humans {

struct Rocker {
  double land = 0;         // pitch at touch-down: < 0 heel strike (pivot on the heel), > 0 toes first (pivot on the toe)
  double leave = 0;        // pitch at lift-off: > 0 rolls over the toe, < 0 over the heel
  double land_time = 0.1;  // seconds until the sole is flat after touch-down
  double leave_time = 0.2; // seconds of rolling before lift-off
};

// The foot planted with its toe at `toe` when flat (y = 0) facing `yaw`, at `since_land`
// seconds after touch-down and `until_lift` seconds before lift-off (either may be
// infinite: a stance with no landing or no lift-off in the clip).
FootTarget stance_foot(Vec3 toe, double yaw, const Rocker& rocker, double since_land, double until_lift);

// Where the body is while a foot swings: the pelvis's ground point at lift-off, at
// touch-down and now. Mid-swing the foot travels with the body, moving from behind it
// to in front of it; near the floor it moves in world space, so it leaves and lands
// without sliding. Without a carrier (all zero) the foot goes straight from A to B.
struct Carrier {
  Vec3 lift, land, now;
};

// The foot at fraction u in [0, 1] of a swing from `from` to `to`, lifting the toe by
// `clearance` at mid-swing and passing through `mid_pitch`.
FootTarget swing_foot(const FootTarget& from, const FootTarget& to, double clearance, double mid_pitch, double u,
                      const Carrier& carrier = {});

}  // namespace gen::humans
