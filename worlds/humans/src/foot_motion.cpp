#include "foot_motion.h"

#include <limits>

namespace gen::humans {

namespace {

// The toe of a foot pitched by `pitch` about its heel, the heel resting where it rests
// when the foot is flat with its toe at `flat_toe`.
Vec3 toe_pivoting_on_heel(Vec3 flat_toe, double yaw, double pitch) {
  const auto& b = body();
  const Vec3 heel_to_toe = b.toe - b.heel;
  const Vec3 heel = flat_toe - rotate(rot_y(yaw), heel_to_toe);
  return heel + rotate(rot_y(yaw) * rot_x(pitch), heel_to_toe);
}

}  // namespace

FootTarget stance_foot(Vec3 toe, double yaw, const Rocker& r, double since_land, double until_lift) {
  FootTarget f;
  f.yaw = yaw;
  f.contact = true;
  f.toe = toe;
  double pitch = 0;
  if (since_land < r.land_time) pitch = r.land * (1 - smoothstep(since_land / r.land_time));
  else if (until_lift < r.leave_time) pitch = r.leave * (1 - smoothstep(until_lift / r.leave_time));
  f.pitch = pitch;
  // A positive pitch rolls over the toe, which stays put; a negative one over the heel.
  if (pitch < 0) f.toe = toe_pivoting_on_heel(toe, yaw, pitch);
  return f;
}

FootTarget swing_foot(const FootTarget& from, const FootTarget& to, double clearance, double mid_pitch, double u,
                      const Carrier& carrier) {
  u = std::clamp(u, 0.0, 1.0);
  FootTarget f;
  f.contact = false;
  // Across only between 10% and 85% of the swing: first up, last down.
  const double across = smootherstep((u - 0.1) / 0.75);
  f.toe = lerp(from.toe, to.toe, across);
  // Carried: from behind the body to in front of it, as the body moves on.
  const Vec3 carried = lerp(from.toe - carrier.lift, to.toe - carrier.land, smootherstep(u)) + carrier.now;
  const double carry = std::pow(std::sin(M_PI * u), 2);
  f.toe = lerp(f.toe, carried, carry);
  // A lift that rises about twice as fast as a sine and is flat at the top: the toe is
  // clear of the floor within a frame or two.
  const double arc = std::sin(M_PI * u);
  f.toe.y = mix(from.toe.y, to.toe.y, smoothstep(u)) + clearance * arc * (2 - arc);
  f.yaw = from.yaw + angle_difference(from.yaw, to.yaw) * across;
  f.pitch = u < 0.5 ? mix(from.pitch, mid_pitch, smoothstep(2 * u)) : mix(mid_pitch, to.pitch, smoothstep(2 * u - 1));
  return f;
}

}  // namespace gen::humans
