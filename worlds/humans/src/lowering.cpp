// Lowering the body with the feet planted: crouching down and back up (once or twice),
// and sitting down onto an unseen seat behind, which ends the motion seated. The hips
// go back as they go down and the trunk leans forward to keep the weight over the
// feet; the legs fold by inverse kinematics.
#include <gen/error.h>

#include "action_track.h"
#include "curve.h"
#include "upper_body.h"
#include "world_config.h"

namespace gen::humans {

namespace {

// Channels of a lowering: depth 0 standing .. 1 at the bottom; lean and arms follow.
struct LoweringPlan {
  Curve down, lean, arms;
  double end = 0;
};

ActionTrack frames_of(const LoweringPlan& plan, const StandState& start, const ActionContext& ctx, double bottom_height,
                      double back, bool hands_on_thighs) {
  ActionTrack out;
  const int n = frame_count(plan.end, ctx.fps);
  const double stand = standing_height(ctx.style);
  for (int i = 0; i < n; ++i) {
    const double t = i / ctx.fps;
    BodyFrame f = idle_frame(start, ctx.style, ctx.clock + t);
    const double d = plan.down(t);
    // The hips travel back a little ahead of going down, as when sitting.
    f.pelvis = f.pelvis + heading(start.yaw) * (-back * smoothstep(1.25 * d));
    f.pelvis.y = mix(stand, bottom_height, d);
    const double lean = plan.lean(t);
    f.pelvis_rotation = rot_y(start.yaw) * rot_x(0.45 * lean);
    UpperBody upper = relaxed_upper_body(ctx.style);
    upper.lean = 0.55 * lean;
    upper.head_pitch = -0.6 * lean;
    for (int side : {kLeft, kRight})
      upper.arm[side] = {0.03 + plan.arms(t), ctx.style.arm_abduct + 0.1 * d, ctx.style.elbow + 0.5 * plan.arms(t)};
    pose_upper_body(upper, f.local);
    if (hands_on_thighs && d > 0) {
      // Seated, the hands come to rest on the thighs.
      const double w = smoothstep((t - plan.down.end() + 0.6) / 0.6) * d;
      for (int side : {kLeft, kRight}) {
        const Vec3 on_thigh = from_heading(start.yaw, {side_sign(side) * 0.12, 0.06, 0.3});
        Rotations local = f.local;
        local[kPelvis] = f.pelvis_rotation;
        const Vec3 resting = forward_kinematics(body(), local, {0, 0, 0}).position[wrist(side)];
        if (w > 0)
          reach_with_arm(f.pelvis_rotation, f.local, side, lerp(resting, on_thigh, w),
                         from_heading(start.yaw, {side_sign(side), -0.2, -1}));
      }
    }
    out.frames.push_back(f);
  }
  out.end = start;
  return out;
}

}  // namespace

ActionTrack build_lowering(const ActionSpec& spec, const StandState& start, const ActionContext& ctx, Rng& rng) {
  const auto& a = spec.action;
  auto draw = [&](const std::string& key) { return action_range(a, key).draw(rng); };
  const double relaxed_lean = ctx.style.lean * 0.5;
  LoweringPlan p;
  p.down.key(0, 0);
  p.lean.key(0, relaxed_lean);
  p.arms.key(0, 0);
  if (a == "crouch") {
    const int count = spec.repetitions == "twice" ? 2 : 1;
    const double lean = radians(draw("lean")), arms = radians(draw("arm_forward"));
    double t = 0;
    for (int k = 0; k < count; ++k) {
      t += draw("down_time") * ctx.style.tempo;
      p.down.key(t, 1), p.lean.key(t, lean), p.arms.key(t, arms);
      t += draw("hold_time") * ctx.pause_scale;
      p.down.key(t, 1), p.lean.key(t, lean), p.arms.key(t, arms);
      t += draw("up_time") * ctx.style.tempo;
      p.down.key(t, 0), p.lean.key(t, relaxed_lean), p.arms.key(t, 0);
      if (k + 1 < count) t += 0.2;
    }
    p.end = t + 0.1;
    auto out = frames_of(p, start, ctx, draw("pelvis_height"), draw("back"), false);
    out.count = count;
    return out;
  }
  if (a == "sit_down") {
    if (spec.speed.empty()) throw UsageError("sit_down needs a speed");
    const double descent = draw("descent_time/" + spec.speed) * ctx.style.tempo;
    const double lean = radians(draw("lean")), seated = radians(draw("seated_lean"));
    p.down.key(descent, 1);
    // Lean in while going down, then sit up once the seat takes the weight.
    p.lean.key(0.6 * descent, lean).key(descent + 0.4, seated);
    p.arms.key(0.5 * descent, radians(25)).key(descent + 0.3, radians(10));
    p.end = descent + draw("hold_time") * std::max(ctx.pause_scale, 0.6);
    p.lean.key(p.end, seated);
    auto out = frames_of(p, start, ctx, draw("seat_height"), draw("back"), true);
    return out;
  }
  throw UsageError("not a lowering action: '" + a + "'");
}

}  // namespace gen::humans
