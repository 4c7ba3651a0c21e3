// Standing still, the idle base that gestures build on, and the stand action.
#include "action_track.h"
#include "upper_body.h"
#include "world_config.h"

namespace gen::humans {

int frame_count(double duration, double fps) { return std::max(1, static_cast<int>(std::lround(duration * fps)) + 1); }

BodyFrame idle_frame(const StandState& stand, const Style& style, double t) {
  BodyFrame f;
  // A slow weight shift from foot to foot and a slower drift back and forth: a
  // standing person is never quite still.
  const double shift = style.sway * std::sin(2 * M_PI * 0.23 * t + style.phase);
  const double drift = 0.5 * style.sway * std::sin(2 * M_PI * 0.11 * t + 2 * style.phase);
  f.pelvis = stand.ground + from_heading(stand.yaw, {shift, 0, drift});
  f.pelvis.y = standing_height(style);
  // The pelvis tilts a little towards the loaded side.
  f.pelvis_rotation = rot_y(stand.yaw) * rot_z(-shift * 1.5);
  auto upper = relaxed_upper_body(style);
  const double breath = std::sin(2 * M_PI * 0.25 * t + style.phase);
  upper.lean += radians(0.8) * breath;
  upper.head_pitch = style.head_bob * std::sin(2 * M_PI * 0.17 * t + 3 * style.phase) - upper.lean * 0.5;
  upper.bend = shift * 2;
  for (int side : {kLeft, kRight}) upper.arm[side].abduct += radians(0.6) * breath;
  pose_upper_body(upper, f.local);
  f.feet = stand.feet;
  return f;
}

Track idle_frames(const StandState& stand, const Style& style, double fps, double clock, double seconds) {
  Track frames;
  const int n = frame_count(seconds, fps);
  for (int i = 0; i < n; ++i) frames.push_back(idle_frame(stand, style, clock + i / fps));
  return frames;
}

ActionTrack build_stand(const ActionSpec&, const StandState& start, const ActionContext& ctx, Rng& rng) {
  const auto range = action_range("stand", ctx.in_sequence ? "sequence_duration" : "duration");
  ActionTrack out;
  out.frames = idle_frames(start, ctx.style, ctx.fps, ctx.clock, range.draw(rng) * std::max(ctx.pause_scale, 0.6));
  out.end = start;
  return out;
}

}  // namespace gen::humans
