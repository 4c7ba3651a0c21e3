// What every action builder returns, and what it starts from: the frames of the action
// alone (standing still on its first and last frame, so actions chain), where it
// leaves the character standing, and how many repetitions it really did.
#pragma once
#include <gen/humans/motion_spec.h>
#include <gen/seeded_rng.h>

#include "body_frame.h"
#include "style.h"

namespace gen::humans {

struct ActionTrack {
  Track frames;
  StandState end;  // standing at the last frame (for sit_down: the feet; the pelvis stays seated)
  int count = 1;   // repetitions done (jumps, kicks, claps, ...); 1 for actions without
};

struct ActionContext {
  const Style& style;
  double fps = 20;
  double clock = 0;  // clip time of the action's first frame, so idle sway stays continuous across actions
  double duration_scale = 1;  // < 1 shortens a locomotion to fit a sequence into the clip
  bool in_sequence = false;   // locomotion and standing use their shorter sequence durations
  double pause_scale = 1;     // < 1 shortens pauses, holds and rests to fit a sequence into the clip
};

// One builder per family of actions (locomotion.cpp, jump.cpp, kick.cpp, gestures.cpp,
// lowering.cpp, stand.cpp). `rng` is the action's own stream.
ActionTrack build_locomotion(const ActionSpec& spec, const StandState& start, const ActionContext& ctx, Rng& rng);
ActionTrack build_jump(const ActionSpec& spec, const StandState& start, const ActionContext& ctx, Rng& rng);
ActionTrack build_kick(const ActionSpec& spec, const StandState& start, const ActionContext& ctx, Rng& rng);
ActionTrack build_gesture(const ActionSpec& spec, const StandState& start, const ActionContext& ctx, Rng& rng);
ActionTrack build_lowering(const ActionSpec& spec, const StandState& start, const ActionContext& ctx, Rng& rng);
ActionTrack build_stand(const ActionSpec& spec, const StandState& start, const ActionContext& ctx, Rng& rng);

// Standing at ease at clip time t: weight shifting a little from foot to foot, breathing.
BodyFrame idle_frame(const StandState& stand, const Style& style, double t);
// Standing still for `seconds` from clip time `clock` (at least one frame).
Track idle_frames(const StandState& stand, const Style& style, double fps, double clock, double seconds);

// Frames at times 0, 1/fps, ... up to and including `duration` (rounded to a frame).
int frame_count(double duration, double fps);

}  // namespace gen::humans
