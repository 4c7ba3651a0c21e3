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

// One kick's drawn sizes and the sides involved.
struct KickShape {
  int kicking = kRight, standing = kLeft;
  double height = 0.6, chamber_height = 0.4, arm_counter = 0.5;
};

// The pelvis (shifted over the standing foot, leaning back as the leg goes out) and the
// counter-balancing arms.
void kick_body(const KickPlan& plan, const KickShape& k, const StandState& start, Vec3 over_standing,
               const Style& style, double t, BodyFrame& f) {
  const double shift = plan.shift(t) / std::max(norm(over_standing), 1e-6);
  f.pelvis = start.ground + over_standing * std::min(shift, 1.0);
  f.pelvis.y = standing_height(style) - 0.5 * plan.shift(t);
  const double lean = plan.lean(t);
  f.pelvis_rotation = rot_y(start.yaw) * rot_x(-0.4 * lean);
  UpperBody upper = relaxed_upper_body(style);
  upper.lean = -0.6 * lean;
  upper.head_pitch = 0.5 * lean + 0.1 * plan.counter(t);
  // The opposite arm swings forward and the kicking side's back, both a little out.
  const double c = plan.counter(t) * k.arm_counter;
  upper.arm[k.standing] = {0.03 + c, style.arm_abduct + 0.5 * c, style.elbow + 0.5 * c};
  upper.arm[k.kicking] = {0.03 - 0.6 * c, style.arm_abduct + 0.6 * c, style.elbow + 0.3 * c};
  pose_upper_body(upper, f.local);
}

// The kicking foot at a stage of the kick, its targets following the hip.
FootTarget kick_foot(const KickShape& k, const FootTarget& planted, double stage, Vec3 pelvis, double yaw) {
  if (stage <= 1e-4) return planted;
  const auto& b = body();
  const double reach = 0.97 * b.leg_length();
  const Vec3 hip_offset = b.offset[hip(k.kicking)];
  const Vec3 hip_at = pelvis + from_heading(yaw, {hip_offset.x, hip_offset.y, 0});
  const Vec3 chamber = Vec3{hip_at.x, k.chamber_height, hip_at.z} + heading(yaw) * 0.22;
  const double rise = std::clamp((k.height - hip_at.y) / reach, -0.9, 0.3);
  const Vec3 extended = hip_at + from_heading(yaw, {0, rise * reach, std::sqrt(1 - rise * rise) * reach});
  FootTarget foot = planted;
  // The foot points more the further the leg is out.
  foot.pitch = radians(25) * std::min(stage, 1.0) + radians(10) * std::max(stage - 1, 0.0);
  const Vec3 ankle_at = kick_ankle(stage, ankle_of(planted), chamber, extended);
  foot.toe = ankle_at + rotate(rot_y(foot.yaw) * rot_x(foot.pitch), b.toe);
  foot.toe.y = std::max(foot.toe.y, 0.0);
  foot.contact = false;
  return foot;
}

}  // namespace

ActionTrack build_kick(const ActionSpec& spec, const StandState& start, const ActionContext& ctx, Rng& rng) {
  if (spec.side != "left" && spec.side != "right") throw UsageError("kick needs a side (left or right)");
  KickShape k;
  k.kicking = spec.side == "left" ? kLeft : kRight, k.standing = 1 - k.kicking;
  const int count = kick_count(spec.repetitions);
  const KickPlan plan = plan_kicks(count, ctx.style, ctx.pause_scale, rng);
  k.height = action_range("kick", "height").draw(rng);
  k.chamber_height = action_range("kick", "chamber_height").draw(rng);
  k.arm_counter = radians(action_range("kick", "arm_counter").draw(rng));
  // Towards the standing foot, so the pelvis is over it while the other leg is up.
  const auto& b = body();
  const Vec3 over_standing = ground(start.feet[k.standing].toe - start.ground) -
                             heading(start.yaw) * (b.offset[ankle(k.standing)].z + b.toe.z);
  ActionTrack out;
  out.count = count;
  const int n = frame_count(plan.end, ctx.fps);
  for (int i = 0; i < n; ++i) {
    const double t = i / ctx.fps;
    BodyFrame f;
    kick_body(plan, k, start, over_standing, ctx.style, t, f);
    f.feet[k.standing] = start.feet[k.standing];
    f.feet[k.kicking] = kick_foot(k, start.feet[k.kicking], plan.stage(t), f.pelvis, start.yaw);
    out.frames.push_back(f);
  }
  out.end = start;
  return out;
}

}  // namespace gen::humans
