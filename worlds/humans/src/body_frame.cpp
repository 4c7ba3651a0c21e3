#include "body_frame.h"

namespace gen::humans {

FootTarget neutral_foot(Vec3 ground, double yaw, int side, double half_width, const Style& style) {
  const auto& b = body();
  // The toe ahead of the pelvis by as much as in the rest pose, so standing puts the
  // ankles under the hips.
  const double forward = b.offset[ankle(side)].z + b.toe.z;
  FootTarget f;
  f.yaw = yaw + side_sign(side) * style.toe_out;
  f.toe = ground + from_heading(yaw, {side_sign(side) * half_width, 0, forward});
  f.toe.y = 0;
  f.contact = true;
  return f;
}

StandState neutral_stance(Vec3 ground, double yaw, const Style& style) {
  StandState s;
  s.ground = ground;
  s.yaw = yaw;
  for (int side : {kLeft, kRight}) s.feet[side] = neutral_foot(ground, yaw, side, style.stance_half_width, style);
  return s;
}

double standing_height(const Style& style) { return body().rest_height - style.knee_soft; }

}  // namespace gen::humans
