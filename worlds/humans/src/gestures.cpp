// Arm gestures while standing at ease (idle_frame underneath, feet planted): waving one
// hand above the shoulder, clapping in front of the chest, raising both arms overhead.
// Hands that must be somewhere (the wave, the clap) are placed by the arm's inverse
// kinematics; raising the arms is a swing of the shoulders.
#include <gen/error.h>

#include "action_track.h"
#include "curve.h"
#include "upper_body.h"
#include "world_config.h"

namespace gen::humans {

namespace {

int clap_count(const std::string& repetitions, Rng& rng) {
  if (repetitions == "once") return 1;
  if (repetitions == "twice") return 2;
  if (repetitions == "three_times") return 3;
  if (repetitions == "repeatedly") {
    const auto r = action_range("clap", "repeatedly");
    return rng.integer(static_cast<int>(r.lo), static_cast<int>(r.hi));
  }
  throw UsageError("clap needs repetitions");
}

// The wrist of `side` relative to the pelvis in a frame's current pose.
Vec3 wrist_from_pelvis(const BodyFrame& f, int side) {
  Rotations local = f.local;
  local[kPelvis] = f.pelvis_rotation;
  return forward_kinematics(body(), local, {0, 0, 0}).position[wrist(side)];
}

// Moves the wrist of `side` from where the idle pose holds it to `target` by `weight`.
void reach(BodyFrame& f, int side, Vec3 target, Vec3 pole, double weight) {
  if (weight <= 0) return;
  const Vec3 resting = wrist_from_pelvis(f, side);
  reach_with_arm(f.pelvis_rotation, f.local, side, lerp(resting, target, weight), pole);
}

ActionTrack build_wave(const ActionSpec& spec, const StandState& start, const ActionContext& ctx, Rng& rng) {
  if (spec.side != "left" && spec.side != "right") throw UsageError("wave needs a side (left or right)");
  const int side = spec.side == "left" ? kLeft : kRight;
  const double s = side_sign(side);
  auto draw = [&](const char* key) { return action_range("wave", key).draw(rng); };
  const double lead = draw("lead") * ctx.pause_scale, raise = draw("raise_time") * ctx.style.tempo;
  const auto wave_range = action_range("wave", ctx.in_sequence ? "sequence_waves" : "waves");
  const int waves = rng.integer(static_cast<int>(wave_range.lo), static_cast<int>(wave_range.hi));
  const double frequency = draw("frequency"), amplitude = radians(draw("amplitude"));
  const double lower = draw("lower_time") * ctx.style.tempo, rest = draw("rest") * ctx.pause_scale;
  const Vec3 hand{s * draw("hand_out"), draw("hand_height"), draw("hand_forward")};
  const double waving = waves / frequency;
  Curve weight;
  weight.key(lead, 0).key(lead + raise, 1).key(lead + raise + waving, 1).key(lead + raise + waving + lower, 0);
  const double end = lead + raise + waving + lower + rest;
  ActionTrack out;
  out.count = 1;
  const int n = frame_count(end, ctx.fps);
  const double body_forearm = body().forearm;
  for (int i = 0; i < n; ++i) {
    const double t = i / ctx.fps;
    BodyFrame f = idle_frame(start, ctx.style, ctx.clock + t);
    const double w = weight(t);
    // Side to side from the elbow, starting and stopping gently.
    const double phase = std::clamp((t - lead - raise) / waving, 0.0, 1.0);
    const double swing = std::sin(2 * M_PI * frequency * (t - lead - raise)) * std::sin(M_PI * phase);
    const Vec3 shoulder_at = shoulder_from_pelvis(f.pelvis_rotation, f.local, side);
    const Vec3 target = shoulder_at + from_heading(start.yaw, hand + Vec3{body_forearm * std::sin(amplitude) * swing, 0, 0});
    reach(f, side, target, from_heading(start.yaw, {s, -0.8, -0.4}), w);
    out.frames.push_back(f);
  }
  out.end = start;
  return out;
}

ActionTrack build_clap(const ActionSpec& spec, const StandState& start, const ActionContext& ctx, Rng& rng) {
  const int count = clap_count(spec.repetitions, rng);
  auto draw = [&](const char* key) { return action_range("clap", key).draw(rng); };
  const double lead = draw("lead") * ctx.pause_scale, bring = draw("bring_time") * ctx.style.tempo;
  const double frequency = draw("frequency");
  const double part = draw("part_time") * ctx.style.tempo, rest = draw("rest") * ctx.pause_scale;
  const double height = draw("hand_height"), forward = draw("hand_forward"), open = draw("open");
  const double clapping = count / frequency;
  Curve weight;
  weight.key(lead, 0).key(lead + bring, 1).key(lead + bring + clapping, 1).key(lead + bring + clapping + part, 0);
  const double end = lead + bring + clapping + part + rest;
  ActionTrack out;
  out.count = count;
  const int n = frame_count(end, ctx.fps);
  for (int i = 0; i < n; ++i) {
    const double t = i / ctx.fps;
    BodyFrame f = idle_frame(start, ctx.style, ctx.clock + t);
    // Hands apart by `open`, meeting once per period (the wrists stop a palm apart).
    const double since = t - lead - bring;
    const double gap = since > 0 && since < clapping ? open * 0.5 * (1 + std::cos(2 * M_PI * frequency * since - M_PI)) : open;
    const Vec3 chest = 0.5 * (shoulder_from_pelvis(f.pelvis_rotation, f.local, kLeft) +
                              shoulder_from_pelvis(f.pelvis_rotation, f.local, kRight));
    for (int side : {kLeft, kRight}) {
      const double s = side_sign(side);
      const Vec3 target = chest + from_heading(start.yaw, {s * (0.5 * gap + 0.035), height, forward});
      reach(f, side, target, from_heading(start.yaw, {s, -1, -0.6}), weight(t));
    }
    out.frames.push_back(f);
  }
  out.end = start;
  return out;
}

ActionTrack build_raise_arms(const ActionSpec& spec, const StandState& start, const ActionContext& ctx, Rng& rng) {
  const int count = spec.repetitions == "twice" ? 2 : 1;
  auto draw = [&](const char* key) { return action_range("raise_arms", key).draw(rng); };
  const double spread = radians(draw("spread"));
  Curve up;
  double t = draw("lead") * ctx.pause_scale;
  up.key(t, 0);
  for (int k = 0; k < count; ++k) {
    t += draw("up_time") * ctx.style.tempo;
    up.key(t, 1);
    t += draw("hold_time") * ctx.pause_scale;
    up.key(t, 1);
    t += draw("down_time") * ctx.style.tempo;
    up.key(t, 0);
  }
  const double end = t + draw("rest") * ctx.pause_scale;
  ActionTrack out;
  out.count = count;
  const int n = frame_count(end, ctx.fps);
  for (int i = 0; i < n; ++i) {
    const double time = i / ctx.fps;
    BodyFrame f = idle_frame(start, ctx.style, ctx.clock + time);
    UpperBody upper = relaxed_upper_body(ctx.style);
    const double u = up(time);
    upper.lean = mix(upper.lean, radians(-4), u);
    upper.head_pitch = radians(-8) * u;
    for (int side : {kLeft, kRight}) {
      // Up in front of the body to nearly vertical, elbows straightening, shoulders lifting.
      upper.arm[side] = {mix(0.03, radians(168), u), mix(ctx.style.arm_abduct, spread, u), mix(ctx.style.elbow, 0.08, u)};
      upper.shrug[side] = radians(12) * u;
    }
    pose_upper_body(upper, f.local);
    out.frames.push_back(f);
  }
  out.end = start;
  return out;
}

}  // namespace

ActionTrack build_gesture(const ActionSpec& spec, const StandState& start, const ActionContext& ctx, Rng& rng) {
  if (spec.action == "wave") return build_wave(spec, start, ctx, rng);
  if (spec.action == "clap") return build_clap(spec, start, ctx, rng);
  if (spec.action == "raise_arms") return build_raise_arms(spec, start, ctx, rng);
  throw UsageError("not a gesture: '" + spec.action + "'");
}

}  // namespace gen::humans
