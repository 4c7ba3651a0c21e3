// Shapes in motion: the clips the embedded default video model learns from. One object
// of the still scenes (shape, colour, size on a background) moves in one of a few ways
// over the clip, drawn frame by frame with the still renderer, and is captioned with
// motion words ("a red circle moving to the right on a blue background"). A held-out
// split of shape+motion pairs never appears in training, to measure whether a model
// composes a motion it learned on other shapes.
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <gen/export.h>
#include <gen/video/video.h>

namespace gen::shapes {

// Every parameter is a fraction of the frame side (x right, y down) or of the clip's
// duration (t = 0 at the first frame, 1 at the last).
struct ShapeClip {
  std::string shape;       // one of shape_names()
  std::string color;       // one of shape_colors(), never a held-out colour+shape pair of the stills
  std::string size;        // small, large; "" for growing and shrinking (the size is what changes)
  std::string background;  // one of background_colors(), never the shape's colour
  std::string motion;      // one of motion_names()
  double x = 0.5, y = 0.5;          // centre at t = 0
  double end_x = 0.5, end_y = 0.5;  // centre at t = 1; bouncing: end_y is the floor the centre falls to
  double radius = 0.2;              // circumradius at t = 0 (as ShapeScene::radius)
  double end_radius = 0.2;          // at t = 1; differs only when growing or shrinking
  double bounce_time = 0.5;         // bouncing: t of the first impact
  double restitution = 0.8;         // bouncing: speed kept at each impact
  double fade_start = 0, fade_end = 0.6;  // appearing: opacity rises linearly from 0 to 1 over this t span
};

// Where the object is at time t in [0, 1], and how opaque.
struct ObjectState {
  double x = 0.5, y = 0.5, radius = 0.2, opacity = 1;
};

// "right", "left", "up", "down", "growing", "shrinking", "bouncing", "appearing".
GEN_API const std::vector<std::string>& motion_names();
// The shape+motion pairs kept out of training (every shape and every motion still
// appears in training with others).
GEN_API bool is_heldout_motion_pair(const std::string& shape, const std::string& motion);

// Draws a random clip from the training pairs, or only from the held-out pairs. The
// object stays inside the frame for the whole clip.
GEN_API ShapeClip random_clip(std::mt19937_64& rng, bool heldout);
// The object at time t (clamped to [0, 1]).
GEN_API ObjectState clip_state(const ShapeClip& clip, double t);
// uint8 [frames, size, size, 3] at kClipFps; each frame is render_scene of the object
// at its state (anti-aliased the same way), blended over the background by its opacity.
GEN_API video::Video render_clip(const ShapeClip& clip, int frames = 16, int size = 64);
constexpr int kClipFps = 8;

// Phrasing 0 is "a {colour} {shape} {moving to the right | moving to the left | moving up |
// moving down | growing | shrinking | bouncing | appearing} on a {background} background";
// the others word the motion differently ("moves right", "getting bigger", "fading in").
GEN_API std::string caption_clip(const ShapeClip& clip, int phrasing);
GEN_API int clip_caption_phrasings();
// The words of a motion, one per phrasing (clip_caption_phrasings() of them).
GEN_API const std::vector<std::string>& motion_phrases(const std::string& motion);

// Prompt-travel rules (gen/travel_rules.h) that rewrite each motion caption into
// keyframe captions the still image dataset's words describe: "moving to the right" into
// "on the left" -> "on the right", "growing" into "a small ..." -> "a large ...", a bounce
// into top -> bottom -> centre -> bottom, appearing into the bare background -> the object.
// `gen data video` writes them beside the clips (prompt_travel.json).
GEN_API nlohmann::json clip_travel_rules();

}  // namespace gen::shapes
