// A front kick with one leg, once or a few times: the weight shifts over the standing
// foot, the kicking knee comes up (chamber), the leg snaps out forward and up, comes
// back to the chamber and sets the foot down where it was; the arms counter-balance
// and the trunk leans back as the leg extends. The standing foot never moves.
#include <gen/error.h>

#include "action_track.h"
#include "curve.h"
#include "upper_body.h"
#include "world_config.h"

namespace gen::humans {

namespace {

int kick_count(const std::string& repetitions) {
  if (repetitions == "once") return 1;
  if (repetitions == "twice") return 2;
  if (repetitions == "three_times") return 3;
  throw UsageError("kick needs repetitions once, twice or three_times");
}

// Where the kicking ankle is: 0 = planted, 1 = chamber (knee up), 2 = extended.
struct KickPlan {
  Curve stage, shift, lean, counter;
  double end = 0;
};

KickPlan plan_kicks(int count, const Style& style, double pause_scale, Rng& rng) {
  auto draw = [&](const char* key) { return action_range("kick", key).draw(rng) * style.tempo; };
  KickPlan p;
  const double shift = action_range("kick", "shift").draw(rng), lean_back = radians(action_range("kick", "lean_back").draw(rng));
  double t = 0;
  p.stage.key(0, 0);
  p.shift.key(0, 0);
  p.lean.key(0, 0);
  p.counter.key(0, 0);
  t += draw("shift_time");
  p.shift.key(t, shift);
  p.stage.key(t, 0);
  for (int k = 0; k < count; ++k) {
    p.counter.key(t, 0.3);
    t += draw("chamber_time");
    p.stage.key(t, 1);
    p.lean.key(t, 0.3 * lean_back);
    t += draw("extend_time");
    p.stage.key(t, 2);
    p.lean.key(t, lean_back);
    p.counter.key(t, 1);
    t += draw("hold_time");
    p.stage.key(t, 2);
    p.lean.key(t, lean_back);
    t += draw("retract_time");
    p.stage.key(t, 1);
    p.lean.key(t, 0.3 * lean_back);
    t += draw("lower_time");
    p.stage.key(t, 0);
    p.lean.key(t, 0);
    p.counter.key(t, 0.2);
    if (k + 1 < count) t += draw("pause_time") * pause_scale, p.stage.key(t, 0);
  }
  p.counter.key(t + 0.2, 0);
  t += draw("shift_time");
  p.shift.key(t, 0);
  p.end = t + 0.1;
  return p;
}

// The kicking ankle's position for a stage in [0, 2], between the planted ankle, the
// chamber (knee up, shin hanging) and the extension (leg nearly straight, forward and up).
Vec3 kick_ankle(double stage, Vec3 planted, Vec3 chamber, Vec3 extended) {
  if (stage <= 1) {
    // Leaving the floor the foot rises before it moves forward, and sets down from
    // above: near the floor it moves up and down, not across.
    Vec3 p = lerp(planted, chamber, stage * stage);
    p.y = mix(planted.y, chamber.y, std::sin(0.5 * M_PI * stage));
    return p;
  }
  return lerp(chamber, extended, stage - 1);
}

}  // namespace

ActionTrack build_kick(const ActionSpec& spec, const StandState& start, const ActionContext& ctx, Rng& rng) {
  if (spec.side != "left" && spec.side != "right") throw UsageError("kick needs a side (left or right)");
  const int kicking = spec.side == "left" ? kLeft : kRight, standing = 1 - kicking;
  const int count = kick_count(spec.repetitions);
  const auto& style = ctx.style;
  const KickPlan plan = plan_kicks(count, style, ctx.pause_scale, rng);
  const double height = action_range("kick", "height").draw(rng);
  const double chamber_height = action_range("kick", "chamber_height").draw(rng);
  const double arm_counter = radians(action_range("kick", "arm_counter").draw(rng));
  const auto& b = body();
  const double reach = 0.97 * b.leg_length();
  // Towards the standing foot, so the pelvis is over it while the other leg is up.
  const Vec3 standing_toe = start.feet[standing].toe;
  const Vec3 over_standing = ground(standing_toe - start.ground) - heading(start.yaw) * (b.offset[ankle(standing)].z + b.toe.z);
  const FootTarget planted = start.feet[kicking];
  const Vec3 planted_ankle = ankle_of(planted);
  ActionTrack out;
  out.count = count;
  const int n = frame_count(plan.end, ctx.fps);
  for (int i = 0; i < n; ++i) {
    const double t = i / ctx.fps;
    BodyFrame f;
    const double shift = plan.shift(t) / std::max(norm(over_standing), 1e-6);
    f.pelvis = start.ground + over_standing * std::min(shift, 1.0);
    f.pelvis.y = standing_height(style) - 0.5 * plan.shift(t);
    const double lean = plan.lean(t);
    f.pelvis_rotation = rot_y(start.yaw) * rot_x(-0.4 * lean);
    UpperBody upper = relaxed_upper_body(style);
    upper.lean = -0.6 * lean;
    upper.head_pitch = 0.5 * lean + 0.1 * plan.counter(t);
    // The opposite arm swings forward and the kicking side's back, both a little out.
    const double c = plan.counter(t) * arm_counter;
    upper.arm[standing] = {0.03 + c, style.arm_abduct + 0.5 * c, style.elbow + 0.5 * c};
    upper.arm[kicking] = {0.03 - 0.6 * c, style.arm_abduct + 0.6 * c, style.elbow + 0.3 * c};
    pose_upper_body(upper, f.local);
    f.feet[standing] = start.feet[standing];
    // The kick's targets follow the hip (the pelvis shifts under it).
    const Vec3 hip_offset = b.offset[hip(kicking)];
    const Vec3 hip_at = f.pelvis + from_heading(start.yaw, {hip_offset.x, hip_offset.y, 0});
    const Vec3 chamber = Vec3{hip_at.x, chamber_height, hip_at.z} + heading(start.yaw) * 0.22;
    const double rise = std::clamp((height - hip_at.y) / reach, -0.9, 0.3);
    const Vec3 extended = hip_at + from_heading(start.yaw, {0, rise * reach, std::sqrt(1 - rise * rise) * reach});
    const double stage = plan.stage(t);
    FootTarget foot = planted;
    if (stage > 1e-4) {
      // The foot points more the further the leg is out.
      foot.pitch = radians(25) * std::min(stage, 1.0) + radians(10) * std::max(stage - 1, 0.0);
      const Vec3 ankle_at = kick_ankle(stage, planted_ankle, chamber, extended);
      foot.toe = ankle_at + rotate(rot_y(foot.yaw) * rot_x(foot.pitch), b.toe);
      foot.toe.y = std::max(foot.toe.y, 0.0);
      foot.contact = false;
    }
    f.feet[kicking] = foot;
    out.frames.push_back(f);
  }
  out.end = start;
  return out;
}

}  // namespace gen::humans
