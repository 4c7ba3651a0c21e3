// Sequencing: a standing lead-in, each action from where the previous one left the
// body, a standing lead-out; neighbouring pieces overlap by the transition time and are
// blended there (positions linearly, rotations by slerp), then the pose solver turns
// the track into rotations and forward kinematics into positions.
#include <gen/humans/animator.h>

#include <gen/error.h>

#include "action_track.h"
#include "pose_solver.h"
#include "world_config.h"

namespace gen::humans {

namespace {

using Builder = ActionTrack (*)(const ActionSpec&, const StandState&, const ActionContext&, Rng&);

Builder builder_of(const std::string& action) {
  if (action == "walk" || action == "run" || action == "side_step" || action == "turn") return build_locomotion;
  if (action == "jump") return build_jump;
  if (action == "kick") return build_kick;
  if (action == "wave" || action == "clap" || action == "raise_arms") return build_gesture;
  if (action == "crouch" || action == "sit_down") return build_lowering;
  if (action == "stand") return build_stand;
  throw UsageError("unknown action '" + action + "'");
}

bool is_locomotion(const std::string& action) { return action == "walk" || action == "run" || action == "side_step"; }

FootTarget blend(const FootTarget& a, const FootTarget& b, double w) {
  FootTarget f;
  f.toe = lerp(a.toe, b.toe, w);
  f.yaw = a.yaw + angle_difference(a.yaw, b.yaw) * w;
  f.pitch = mix(a.pitch, b.pitch, w);
  f.contact = w < 0.5 ? a.contact : b.contact;
  return f;
}

BodyFrame blend(const BodyFrame& a, const BodyFrame& b, double w) {
  BodyFrame f;
  f.pelvis = lerp(a.pelvis, b.pelvis, w);
  f.pelvis_rotation = slerp(a.pelvis_rotation, b.pelvis_rotation, w);
  for (int j = 0; j < kJoints; ++j) f.local[j] = slerp(a.local[j], b.local[j], w);
  for (int side : {kLeft, kRight}) f.feet[side] = blend(a.feet[side], b.feet[side], w);
  return f;
}

// Appends `next`, its first `overlap` frames blended over the track's last ones.
// Returns the index of next's first frame in the track.
size_t append_blended(Track& track, const Track& next, size_t overlap) {
  overlap = std::min({overlap, track.size(), next.size()});
  const size_t first = track.size() - overlap;
  for (size_t k = 0; k < overlap; ++k) {
    const double w = smoothstep((k + 1.0) / (overlap + 1.0));
    track[first + k] = blend(track[first + k], next[k], w);
  }
  track.insert(track.end(), next.begin() + static_cast<long>(overlap), next.end());
  return first;
}

struct Sequenced {
  Track track;
  std::vector<ActionSpan> spans;
  double end_yaw = 0;
};

Sequenced sequence(const MotionSpec& spec, const Style& style, uint64_t seed, double fps, double locomotion_scale,
                   double pause_scale) {
  const auto& clip = actions_config().at("clip");
  Rng clip_rng(mix_seed(seed, 2));
  const double lead_in = config_range(clip, "lead_in").draw(clip_rng), lead_out = config_range(clip, "lead_out").draw(clip_rng);
  const size_t overlap = static_cast<size_t>(std::lround(config_number(clip, "transition") * fps));
  Sequenced out;
  StandState state = neutral_stance({0, 0, 0}, style.start_yaw, style);
  out.track = idle_frames(state, style, fps, 0, lead_in + overlap / fps);
  std::vector<size_t> starts;
  bool seated = false;
  for (size_t i = 0; i < spec.actions.size(); ++i) {
    const auto& action = spec.actions[i];
    Rng rng(mix_seed(seed, 10 + i));
    const double clock = (out.track.size() - overlap) / fps;
    ActionContext ctx{style, fps, clock, is_locomotion(action.action) ? locomotion_scale : 1.0, spec.actions.size() > 1,
                      pause_scale};
    ActionTrack piece = builder_of(action.action)(action, state, ctx, rng);
    starts.push_back(append_blended(out.track, piece.frames, overlap));
    out.spans.push_back({0, 0, piece.count});
    state = piece.end;
    seated = action.action == "sit_down";
  }
  const size_t end_of_actions = out.track.size();
  if (!seated) {
    const double clock = (out.track.size() - overlap) / fps;
    append_blended(out.track, idle_frames(state, style, fps, clock, lead_out + overlap / fps), overlap);
  }
  // Too short: stand (or stay seated) a while longer.
  while (out.track.size() < static_cast<size_t>(std::ceil(kMinDuration * fps)) + 1) out.track.push_back(out.track.back());
  // Each action owns the frames from the middle of its blend in to the middle of its blend out.
  for (size_t i = 0; i < out.spans.size(); ++i) {
    out.spans[i].start = static_cast<int64_t>(starts[i] + overlap / 2);
    out.spans[i].end = static_cast<int64_t>(i + 1 < starts.size() ? starts[i + 1] + overlap / 2
                                                                  : (seated ? out.track.size() : end_of_actions - overlap / 2));
  }
  out.end_yaw = state.yaw;
  return out;
}

}  // namespace

AnimatedMotion animate(const MotionSpec& spec, uint64_t seed, double fps) {
  check_motion_spec(spec);
  if (!(fps >= 5 && fps <= 120)) throw UsageError("the animator's frame rate must be in 5..120 fps");
  Rng style_rng(mix_seed(seed, 1));
  const Style style = draw_style(style_rng);
  // If the actions overrun the clip's target length, shorten their pauses and holds;
  // if that is not enough, shorten the walking and running and quicken the rest, by
  // at most 40% and 25% (the same draws, so only durations change).
  const double max_duration = config_number(actions_config(), "clip/max_duration");
  auto overrun = [&](const Sequenced& s) { return (s.track.size() - 1) / fps - max_duration; };
  Sequenced s = sequence(spec, style, seed, fps, 1.0, 1.0);
  const double pause_scale = 0.35;
  if (overrun(s) > 0) s = sequence(spec, style, seed, fps, 1.0, pause_scale);
  if (overrun(s) > 0) {
    double acting = 0;
    for (const auto& span : s.spans) acting += (span.end - span.start) / fps;
    const double scale = 1 - overrun(s) / std::max(acting, 1e-6);
    Style quicker = style;
    quicker.tempo *= std::max(0.75, scale);
    s = sequence(spec, quicker, seed, fps, std::max(0.6, scale), pause_scale);
  }
  const SolvedTrack solved = solve_track(s.track);
  AnimatedMotion out;
  out.motion = motion::motion_from_rotations(motion::smpl22(), solved.rotations, solved.root, fps);
  out.root = solved.root;
  out.contacts = solved.contacts;
  out.spans = s.spans;
  out.start_yaw = style.start_yaw;
  out.end_yaw = s.end_yaw;
  return out;
}

}  // namespace gen::humans
