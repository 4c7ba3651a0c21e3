#include <gen/shapes/motion_clips.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include <gen/error.h>
#include <gen/shapes/shapes_dataset.h>

namespace gen::shapes {

namespace {

// One held-out motion per shape, each motion at most once; bouncing and appearing are
// always in training.
const std::vector<std::pair<std::string, std::string>>& heldout_motion_pairs() {
  static const std::vector<std::pair<std::string, std::string>> pairs{
      {"circle", "left"}, {"square", "up"},   {"triangle", "right"},
      {"star", "down"},   {"ring", "growing"}, {"cross", "shrinking"}};
  return pairs;
}

double uniform(std::mt19937_64& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

const std::string& pick_name(std::mt19937_64& rng, const std::vector<std::string>& names) {
  return names[std::uniform_int_distribution<size_t>(0, names.size() - 1)(rng)];
}

// Clear space between the object's circumcircle and the frame's edge.
constexpr double kMargin = 0.02;
// Translations cover at least this much of the frame, so the analyser's threshold for
// "it moved" (motion_analysis.cpp) is far below every real clip's travel.
constexpr double kMinClipTravel = 0.3, kMaxClipTravel = 0.55;

// The radius ranges of the still scenes' sizes (random_scene), so the frozen image
// model sees objects of the sizes it learned.
double radius_of(std::mt19937_64& rng, const std::string& size) {
  return size == "large" ? uniform(rng, 0.20, 0.24) : uniform(rng, 0.095, 0.125);
}

void place_translation(ShapeClip& c, std::mt19937_64& rng) {
  const double lo = c.radius + kMargin, hi = 1 - c.radius - kMargin;
  const double travel = uniform(rng, kMinClipTravel, std::min(kMaxClipTravel, hi - lo));
  const double start = uniform(rng, lo, hi - travel), across = uniform(rng, std::max(lo, 0.25), std::min(hi, 0.75));
  const bool forward = c.motion == "right" || c.motion == "down";  // towards larger x or y
  const double from = forward ? start : start + travel, to = forward ? start + travel : start;
  if (c.motion == "right" || c.motion == "left")
    c.x = from, c.end_x = to, c.y = c.end_y = across;
  else
    c.y = from, c.end_y = to, c.x = c.end_x = across;
}

// Grows between the small and large sizes' radii, about the centre of the frame.
void place_scaling(ShapeClip& c, std::mt19937_64& rng) {
  const double small = uniform(rng, 0.10, 0.12), large = uniform(rng, 0.20, 0.23);
  c.radius = c.motion == "growing" ? small : large;
  c.end_radius = c.motion == "growing" ? large : small;
  c.x = c.end_x = 0.5 + uniform(rng, -0.1, 0.1);
  c.y = c.end_y = 0.5 + uniform(rng, -0.1, 0.1);
}

// Falls from rest, first hits the floor between 35% and 50% of the clip and rises
// again (to restitution^2 of the drop, near t = bounce_time * (1 + restitution) <= 0.95),
// so every clip shows a fall and a clear rebound.
void place_bounce(ShapeClip& c, std::mt19937_64& rng) {
  const double floor = 1 - c.radius - kMargin, top = c.radius + kMargin;
  const double drop = uniform(rng, 0.3, std::min(0.5, floor - top));
  c.x = c.end_x = uniform(rng, 0.3, 0.7);
  c.y = floor - drop;
  c.end_y = floor;
  c.bounce_time = uniform(rng, 0.35, 0.5);
  c.restitution = uniform(rng, 0.75, 0.9);
}

void place_fade(ShapeClip& c, std::mt19937_64& rng) {
  const double lo = std::max(c.radius + kMargin, 0.25), hi = std::min(1 - c.radius - kMargin, 0.75);
  c.x = c.end_x = uniform(rng, lo, hi);
  c.y = c.end_y = uniform(rng, lo, hi);
  c.fade_start = uniform(rng, 0.0, 0.15);
  c.fade_end = uniform(rng, 0.5, 0.75);
}

// The height of a bouncing object: free fall (gravity g, from rest at y) until the
// floor at bounce_time, then arcs that leave the floor with `restitution` of the speed
// they hit it with.
double bounce_height(const ShapeClip& c, double t) {
  const double drop = c.end_y - c.y, t_hit = std::max(c.bounce_time, 1e-3);
  const double g = 2 * drop / (t_hit * t_hit);
  if (t <= t_hit) return c.y + 0.5 * g * t * t;
  double speed = c.restitution * g * t_hit, since = t - t_hit;
  // Each arc lasts 2 * speed / g; a handful of arcs covers any clip (speed shrinks geometrically).
  for (int arc = 0; arc < 64 && speed > 1e-9; ++arc) {
    const double length = 2 * speed / g;
    if (since <= length) return c.end_y - speed * since + 0.5 * g * since * since;
    since -= length;
    speed *= c.restitution;
  }
  return c.end_y;
}

}  // namespace

const std::vector<std::string>& motion_names() {
  static const std::vector<std::string> v{"right", "left", "up", "down", "growing", "shrinking", "bouncing", "appearing"};
  return v;
}

bool is_heldout_motion_pair(const std::string& shape, const std::string& motion) {
  for (const auto& [s, m] : heldout_motion_pairs())
    if (s == shape && m == motion) return true;
  return false;
}

ShapeClip random_clip(std::mt19937_64& rng, bool heldout) {
  ShapeClip c;
  if (heldout) {
    const auto& pair = heldout_motion_pairs()[std::uniform_int_distribution<size_t>(0, heldout_motion_pairs().size() - 1)(rng)];
    c.shape = pair.first;
    c.motion = pair.second;
  } else {
    do {
      c.shape = pick_name(rng, shape_names());
      c.motion = pick_name(rng, motion_names());
    } while (is_heldout_motion_pair(c.shape, c.motion));
  }
  // The colour+shape pairs the still dataset holds out stay out of both splits: the
  // frozen image model never learned them, and the clips measure motion, not that gap.
  do {
    c.color = pick_name(rng, shape_colors());
  } while (is_heldout_pair(c.shape, c.color));
  do {
    c.background = pick_name(rng, background_colors());
  } while (c.background == c.color);
  const bool scaling = c.motion == "growing" || c.motion == "shrinking";
  c.size = scaling ? "" : std::uniform_int_distribution<int>(0, 1)(rng) ? "large" : "small";
  if (!scaling) c.radius = c.end_radius = radius_of(rng, c.size);
  if (scaling)
    place_scaling(c, rng);
  else if (c.motion == "bouncing")
    place_bounce(c, rng);
  else if (c.motion == "appearing")
    place_fade(c, rng);
  else
    place_translation(c, rng);
  return c;
}

ObjectState clip_state(const ShapeClip& c, double t) {
  t = std::clamp(t, 0.0, 1.0);
  ObjectState s;
  s.x = c.x + (c.end_x - c.x) * t;
  s.y = c.motion == "bouncing" ? bounce_height(c, t) : c.y + (c.end_y - c.y) * t;
  s.radius = c.radius + (c.end_radius - c.radius) * t;
  if (c.motion == "appearing")
    s.opacity = c.fade_end > c.fade_start ? std::clamp((t - c.fade_start) / (c.fade_end - c.fade_start), 0.0, 1.0)
                                          : static_cast<double>(t >= c.fade_start);
  return s;
}

video::Video render_clip(const ShapeClip& clip, int frames, int size) {
  if (frames < 1 || frames > 1024) throw UsageError("a clip has 1..1024 frames, not " + std::to_string(frames));
  auto out = torch::empty({frames, size, size, 3}, torch::kUInt8);
  const auto bg = color_rgb(clip.background);
  const auto bg_pixel = torch::tensor({bg[0], bg[1], bg[2]}, torch::kFloat32);
  ShapeScene scene;
  scene.shape = clip.shape, scene.color = clip.color, scene.size = clip.size, scene.background = clip.background;
  for (int f = 0; f < frames; ++f) {
    const auto state = clip_state(clip, frames > 1 ? static_cast<double>(f) / (frames - 1) : 0.0);
    scene.centres = {{state.x, state.y}};
    scene.radius = state.radius;
    auto pixels = render_scene(scene, size).pixels;
    // A partly transparent object is the opaque frame mixed with the bare background.
    if (state.opacity < 1)
      pixels = (bg_pixel + (pixels.to(torch::kFloat32) - bg_pixel) * state.opacity).round().clamp(0, 255).to(torch::kUInt8);
    out[f].copy_(pixels);
  }
  return {out, video::FrameRate{kClipFps, 1}};
}

int clip_caption_phrasings() { return 4; }

const std::vector<std::string>& motion_phrases(const std::string& motion) {
  // The motion in each phrasing's words, in motion_names() order.
  static const std::map<std::string, std::vector<std::string>> kWords{
      {"right", {"moving to the right", "moves right", "moves to the right", "sliding right"}},
      {"left", {"moving to the left", "moves left", "moves to the left", "sliding left"}},
      {"up", {"moving up", "moves up", "moves upwards", "rising"}},
      {"down", {"moving down", "moves down", "moves downwards", "sinking"}},
      {"growing", {"growing", "grows", "gets bigger", "getting bigger"}},
      {"shrinking", {"shrinking", "shrinks", "gets smaller", "getting smaller"}},
      {"bouncing", {"bouncing", "bounces", "bounces off the bottom", "bouncing up and down"}},
      {"appearing", {"appearing", "appears", "fades in", "fading in"}}};
  auto it = kWords.find(motion);
  if (it == kWords.end()) throw UsageError("unknown motion '" + motion + "'");
  return it->second;
}

std::string caption_clip(const ShapeClip& c, int phrasing) {
  const int p = ((phrasing % clip_caption_phrasings()) + clip_caption_phrasings()) % clip_caption_phrasings();
  const std::string& words = motion_phrases(c.motion)[static_cast<size_t>(p)];
  // "an orange", "an" before no other colour or size: the article follows the next word's sound.
  auto with_article = [](const std::string& next) {
    return (std::string("aeiou").find(next[0]) != std::string::npos ? "an " : "a ") + next;
  };
  const std::string object = with_article(c.color) + " " + c.shape;
  const std::string sized = c.size.empty() ? object : with_article(c.size) + " " + c.color + " " + c.shape;
  switch (p) {
    case 0: return object + " " + words + " on a " + c.background + " background";
    case 1: return object + " " + words + ", " + c.background + " background";
    case 2: return sized + " that " + words + " on a " + c.background + " background";
    default: return c.background + " background with " + object + " " + words;
  }
}

}  // namespace gen::shapes
