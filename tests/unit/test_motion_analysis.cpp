// The clip analyser judges generated videos only if it reads the dataset's own clips
// right: every motion of both splits, sharp and degraded the way a decoder degrades
// frames, and it must reject what is wrong (another motion, frames that do not belong
// together, a flickering background).
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <map>
#include <random>

#include <gen/error.h>
#include <gen/image/image.h>
#include <gen/shapes/motion_analysis.h>
#include <gen/shapes/motion_clips.h>

namespace {

using gen::shapes::ShapeClip;
using gen::video::Video;

// What a decoder does to frames without changing what they show: a Gaussian blur of
// `sigma` pixels and independent Gaussian noise of `noise` levels on every pixel.
struct Degradation {
  double sigma = 0;
  double noise = 0;
};

Video degrade(const Video& clip, Degradation d, std::mt19937_64& rng) {
  auto frames = clip.frames.clone();
  for (int64_t f = 0; f < frames.size(0); ++f)
    frames[f].copy_(gen::image::gaussian_blur({clip.frames[f].contiguous()}, d.sigma).pixels);
  if (d.noise > 0) {
    auto generator = at::detail::createCPUGenerator(rng());
    auto noise = torch::randn(frames.sizes(), generator) * d.noise;
    frames = (frames.to(torch::kFloat32) + noise).round().clamp(0, 255).to(torch::kUInt8);
  }
  return {frames.contiguous(), clip.fps};
}

// A clip of `motion` drawn from the split that holds it (held-out pairs come from the
// held-out split), with a shape of that split.
ShapeClip clip_of_motion(std::mt19937_64& rng, const std::string& motion, bool heldout) {
  for (;;) {
    auto clip = gen::shapes::random_clip(rng, heldout);
    if (clip.motion == motion) return clip;
  }
}

struct Rates {
  int clips = 0;
  double motion = 0, color_and_shape = 0, consistent = 0;
  std::map<std::string, std::pair<int, int>> per_motion;  // right, total
};

Rates read_clips(bool heldout, int per_motion, uint64_t seed, Degradation d = {}) {
  std::mt19937_64 rng(seed);
  Rates r;
  for (const auto& motion : gen::shapes::motion_names()) {
    bool any = false;
    for (const auto& shape : gen::shapes::shape_names()) any |= gen::shapes::is_heldout_motion_pair(shape, motion);
    if (heldout && !any) continue;
    for (int i = 0; i < per_motion; ++i) {
      const auto clip = clip_of_motion(rng, motion, heldout);
      const auto found = gen::shapes::analyse_clip(degrade(gen::shapes::render_clip(clip), d, rng));
      const auto check = gen::shapes::check_clip_adherence(found, clip);
      ++r.clips;
      r.motion += check.motion, r.color_and_shape += check.color_and_shape, r.consistent += check.consistent;
      auto& [right, total] = r.per_motion[motion];
      right += check.motion, ++total;
      if (!check.motion)
        std::printf("  %s %s %s: read %s (dx %.3f dy %.3f area x%.2f fall %.3f rebound %.3f first %.2f)\n",
                    clip.color.c_str(), clip.shape.c_str(), motion.c_str(), found.motion.c_str(), found.dx, found.dy,
                    found.area_ratio, found.fall, found.rebound, found.first_contrast);
    }
  }
  for (double* v : {&r.motion, &r.color_and_shape, &r.consistent}) *v /= r.clips;
  return r;
}

void print(const char* what, const Rates& r) {
  std::printf("%s: %d clips, motion %.3f, per-frame colour+shape %.3f, consistent %.3f\n", what, r.clips, r.motion,
              r.color_and_shape, r.consistent);
  for (const auto& [motion, counts] : r.per_motion) std::printf("  %s %d/%d\n", motion.c_str(), counts.first, counts.second);
}

TEST(MotionAnalysis, ReadsRealClipsOfEveryMotionInBothSplits) {
  for (bool heldout : {false, true}) {
    const auto r = read_clips(heldout, 40, heldout ? 12 : 11);
    print(heldout ? "heldout" : "train", r);
    EXPECT_GE(r.motion, 0.97);
    EXPECT_GE(r.color_and_shape, 0.97);
    EXPECT_GE(r.consistent, 0.97);
    for (const auto& [motion, counts] : r.per_motion) EXPECT_GE(counts.first, 0.9 * counts.second) << motion;
  }
}

TEST(MotionAnalysis, ReadsBlurredAndNoisyClips) {
  for (Degradation d : {Degradation{1.0, 0}, Degradation{0, 6}, Degradation{1.0, 6}}) {
    const auto r = read_clips(false, 25, 13, d);
    char what[64];
    std::snprintf(what, sizeof what, "blur %.1f px, noise %.0f levels", d.sigma, d.noise);
    print(what, r);
    EXPECT_GE(r.motion, 0.9);
    EXPECT_GE(r.color_and_shape, 0.9);
    EXPECT_GE(r.consistent, 0.9);
  }
}

// The same clip with its frames in reverse order.
Video reversed(const Video& clip) { return {clip.frames.flip({0}).contiguous(), clip.fps}; }

TEST(MotionAnalysis, RejectsTheWrongMotion) {
  std::mt19937_64 rng(21);
  const std::map<std::string, std::string> opposite{{"right", "left"},     {"left", "right"},    {"up", "down"},
                                                    {"down", "up"},        {"growing", "shrinking"},
                                                    {"shrinking", "growing"}};
  int wrong_accepted = 0, reversed_read = 0, reversed_total = 0, held_read_as_none = 0, held_total = 0;
  for (const auto& motion : gen::shapes::motion_names()) {
    for (int i = 0; i < 10; ++i) {
      const auto clip = clip_of_motion(rng, motion, false);
      const auto video = gen::shapes::render_clip(clip);
      const auto found = gen::shapes::analyse_clip(video);
      // Checked against any other motion, the clip fails.
      for (const auto& other : gen::shapes::motion_names()) {
        if (other == motion) continue;
        auto wanted = clip;
        wanted.motion = other;
        wrong_accepted += gen::shapes::check_clip_adherence(found, wanted).motion;
      }
      // Played backwards, a motion with an opposite reads as that opposite; an
      // appearing object then disappears, which is no motion of the dataset.
      const auto back = gen::shapes::analyse_clip(reversed(video));
      if (opposite.count(motion)) reversed_read += back.motion == opposite.at(motion), ++reversed_total;
      if (motion == "appearing") EXPECT_NE(back.motion, "appearing");
      // Its first frame held still is no motion at all (an appearing clip's first frame is empty).
      const auto held = gen::shapes::analyse_clip({video.frames.narrow(0, 0, 1).expand_as(video.frames).contiguous(), video.fps});
      held_read_as_none += held.motion == "none", ++held_total;
      EXPECT_FALSE(gen::shapes::check_clip_adherence(held, clip).motion) << motion;
    }
  }
  EXPECT_EQ(wrong_accepted, 0);
  EXPECT_EQ(reversed_read, reversed_total);
  EXPECT_EQ(held_read_as_none, held_total);
  // "left" against wanted "right", spelled out.
  auto clip = clip_of_motion(rng, "left", true);
  auto found = gen::shapes::analyse_clip(gen::shapes::render_clip(clip));
  EXPECT_EQ(found.motion, "left");
  clip.motion = "right";
  EXPECT_FALSE(gen::shapes::check_clip_adherence(found, clip).motion);
}

TEST(MotionAnalysis, ASmallDriftIsNotAMotion) {
  std::mt19937_64 rng(22);
  auto clip = clip_of_motion(rng, "right", false);
  clip.end_x = clip.x + 0.08;  // about 5 pixels over the clip
  const auto found = gen::shapes::analyse_clip(gen::shapes::render_clip(clip));
  EXPECT_NEAR(found.dx, 0.08, 0.01);
  EXPECT_EQ(found.motion, "unclear");
  clip.end_x = clip.x + 0.02;
  EXPECT_EQ(gen::shapes::analyse_clip(gen::shapes::render_clip(clip)).motion, "none");
}

// Each frame the first of another clip: a different object, place and background.
Video jumbled(std::mt19937_64& rng, int frames = 16) {
  auto out = torch::empty({frames, 64, 64, 3}, torch::kUInt8);
  for (int f = 0; f < frames; ++f) out[f].copy_(gen::shapes::render_clip(gen::shapes::random_clip(rng, false), 1).frames[0]);
  return {out, {8, 1}};
}

TEST(MotionAnalysis, FramesThatDoNotBelongTogetherAreInconsistent) {
  std::mt19937_64 rng(23);
  int consistent = 0;
  for (int i = 0; i < 40; ++i) {
    const auto found = gen::shapes::analyse_clip(jumbled(rng));
    consistent += found.consistent;
    EXPECT_GT(found.flicker, 20);
  }
  EXPECT_LE(consistent, 1);
  // One frame of another colour in a clip of 16 is tolerated (the analyser may misread
  // one); three are not.
  auto clip = clip_of_motion(rng, "right", false);
  clip.color = "red", clip.background = "white";
  auto other = clip;
  other.color = "green";
  auto frames = gen::shapes::render_clip(clip).frames.clone();
  const auto green = gen::shapes::render_clip(other).frames;
  frames[5].copy_(green[5]);
  EXPECT_TRUE(gen::shapes::analyse_clip({frames, {8, 1}}).consistent);
  frames[9].copy_(green[9]), frames[12].copy_(green[12]);
  const auto found = gen::shapes::analyse_clip({frames, {8, 1}});
  EXPECT_FALSE(found.consistent);
  EXPECT_NEAR(found.agreement, 13.0 / 16, 1e-9);
  EXPECT_EQ(found.color, "red");
}

TEST(MotionAnalysis, FlickerIsTheChangeOfTheBackground) {
  std::mt19937_64 rng(24);
  auto clip = gen::shapes::render_clip(clip_of_motion(rng, "down", false));
  const auto still_background = gen::shapes::analyse_clip(clip);
  EXPECT_EQ(still_background.flicker, 0.0);  // the object's own path is not counted
  EXPECT_GT(still_background.change, 0.5);
  // Brighten every other frame by 12 levels: the objects stay, the background flickers.
  auto frames = clip.frames.to(torch::kInt32);
  for (int64_t f = 1; f < frames.size(0); f += 2) frames[f] += 12;
  const auto flickering = gen::shapes::analyse_clip({frames.clamp(0, 255).to(torch::kUInt8).contiguous(), clip.fps});
  EXPECT_GT(flickering.flicker, 10);
  EXPECT_EQ(flickering.motion, "down");
}

TEST(MotionAnalysis, RealClipsAreCloseInFeatureSpaceAndBrokenOnesAreFar) {
  std::mt19937_64 rng(25);
  std::vector<gen::shapes::ClipAnalysis> real_a, real_b, still, jumble;
  for (int i = 0; i < 60; ++i) {
    const auto a = gen::shapes::render_clip(gen::shapes::random_clip(rng, false));
    real_a.push_back(gen::shapes::analyse_clip(a));
    real_b.push_back(gen::shapes::analyse_clip(gen::shapes::render_clip(gen::shapes::random_clip(rng, false))));
    still.push_back(gen::shapes::analyse_clip({a.frames.narrow(0, 0, 1).expand_as(a.frames).contiguous(), a.fps}));
    jumble.push_back(gen::shapes::analyse_clip(jumbled(rng)));
  }
  EXPECT_EQ(gen::shapes::clip_features(real_a[0]).size(0), gen::shapes::kClipFeatures);
  const double floor = gen::shapes::clip_frechet_distance(real_a, real_b);
  const double to_still = gen::shapes::clip_frechet_distance(still, real_b);
  const double to_jumble = gen::shapes::clip_frechet_distance(jumble, real_b);
  std::printf("FD real-real %.3f, still-real %.3f, jumbled-real %.3f\n", floor, to_still, to_jumble);
  EXPECT_EQ(gen::shapes::clip_frechet_distance(real_a, real_a), 0.0);
  EXPECT_GT(to_still, 3 * floor);
  EXPECT_GT(to_jumble, 3 * floor);
}

TEST(MotionAnalysis, RefusesWhatIsNotAClip) {
  EXPECT_THROW(gen::shapes::analyse_clip({torch::zeros({1, 64, 64, 3}, torch::kUInt8), {8, 1}}), gen::UsageError);
  EXPECT_THROW(gen::shapes::analyse_clip({torch::zeros({4, 64, 64, 4}, torch::kUInt8), {8, 1}}), gen::UsageError);
  EXPECT_THROW(gen::shapes::analyse_clip({torch::zeros({4, 64, 64, 3}), {8, 1}}), gen::UsageError);
  // An empty clip has no motion and nothing to agree on.
  const auto blank = gen::shapes::analyse_clip({torch::full({4, 64, 64, 3}, 128, torch::kUInt8), {8, 1}});
  EXPECT_EQ(blank.motion, "none");
  EXPECT_FALSE(blank.consistent);
  EXPECT_EQ(blank.flicker, 0.0);
}

}  // namespace
