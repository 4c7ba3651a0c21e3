// Shapes in motion: clips keep the object in frame and make the motion they are named
// for, held-out shape+motion pairs never reach training, captions name what moves and
// how, and the dataset on disk is a pure function of its seed whose reader refuses
// broken files with one clear error.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/safetensors.h>
#include <gen/shapes/clip_record.h>
#include <gen/shapes/motion_clips.h>
#include <gen/shapes/motion_dataset.h>
#include <gen/shapes/shapes_dataset.h>
#include <gen/travel_rules.h>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using gen::shapes::ShapeClip;

ShapeClip red_circle_moving_right() {
  ShapeClip c;
  c.shape = "circle", c.color = "red", c.size = "large", c.background = "blue", c.motion = "right";
  c.x = 0.3, c.end_x = 0.7, c.y = c.end_y = 0.5, c.radius = c.end_radius = 0.2;
  return c;
}

// Centre of the pixels closer to the object's colour than to the background's, in [0, 1].
std::pair<double, double> red_centroid(const torch::Tensor& frame) {
  auto red = (frame.select(2, 0).to(torch::kFloat32) > 130).to(torch::kFloat32);
  auto ys = torch::arange(frame.size(0), torch::kFloat32).unsqueeze(1) + 0.5;
  auto xs = torch::arange(frame.size(1), torch::kFloat32).unsqueeze(0) + 0.5;
  const double n = red.sum().item<double>();
  return {(red * xs).sum().item<double>() / n / frame.size(1), (red * ys).sum().item<double>() / n / frame.size(0)};
}

TEST(MotionClips, HeldOutPairsStayOutOfTrainingAndEverythingElseTrains) {
  std::mt19937_64 rng(1);
  std::set<std::string> shapes, motions;
  for (int i = 0; i < 3000; ++i) {
    const auto c = gen::shapes::random_clip(rng, false);
    ASSERT_FALSE(gen::shapes::is_heldout_motion_pair(c.shape, c.motion)) << c.shape << " " << c.motion;
    ASSERT_FALSE(gen::shapes::is_heldout_pair(c.shape, c.color)) << c.shape << " " << c.color;
    ASSERT_NE(c.color, c.background);
    shapes.insert(c.shape), motions.insert(c.motion);
  }
  EXPECT_EQ(shapes.size(), gen::shapes::shape_names().size());
  EXPECT_EQ(motions.size(), gen::shapes::motion_names().size());
  std::set<std::string> heldout_shapes;
  for (int i = 0; i < 300; ++i) {
    const auto c = gen::shapes::random_clip(rng, true);
    ASSERT_TRUE(gen::shapes::is_heldout_motion_pair(c.shape, c.motion));
    heldout_shapes.insert(c.shape);
  }
  EXPECT_EQ(heldout_shapes.size(), 6u);
  EXPECT_TRUE(gen::shapes::is_heldout_motion_pair("circle", "left"));
  EXPECT_FALSE(gen::shapes::is_heldout_motion_pair("circle", "right"));
}

TEST(MotionClips, ObjectsStayInFrameAndMakeTheirMotion) {
  std::mt19937_64 rng(2);
  for (int i = 0; i < 2000; ++i) {
    const auto c = gen::shapes::random_clip(rng, i % 4 == 0);
    std::vector<gen::shapes::ObjectState> states;
    for (int f = 0; f <= 30; ++f) {
      states.push_back(gen::shapes::clip_state(c, f / 30.0));
      const auto& s = states.back();
      ASSERT_GE(s.x - s.radius, 0.0) << c.motion;
      ASSERT_LE(s.x + s.radius, 1.0) << c.motion;
      ASSERT_GE(s.y - s.radius, 0.0) << c.motion;
      ASSERT_LE(s.y + s.radius, 1.0) << c.motion;
    }
    const auto &first = states.front(), &last = states.back();
    if (c.motion == "right") EXPECT_GE(last.x - first.x, 0.3);
    if (c.motion == "left") EXPECT_GE(first.x - last.x, 0.3);
    if (c.motion == "down") EXPECT_GE(last.y - first.y, 0.3);
    if (c.motion == "up") EXPECT_GE(first.y - last.y, 0.3);
    if (c.motion == "growing") EXPECT_GE(last.radius, 1.6 * first.radius);
    if (c.motion == "shrinking") EXPECT_GE(first.radius, 1.6 * last.radius);
    if (c.motion == "appearing") {
      EXPECT_EQ(first.opacity, 0.0);
      EXPECT_EQ(last.opacity, 1.0);
    } else {
      EXPECT_EQ(first.opacity, 1.0);
    }
    if (c.motion == "bouncing") {
      // It falls to the floor, then rises well above it again.
      const double impact = gen::shapes::clip_state(c, c.bounce_time).y;
      EXPECT_NEAR(impact, c.end_y, 1e-9);
      EXPECT_GE(impact - first.y, 0.3 - 1e-9);
      double rise = 0;
      for (const auto& s : states) rise = std::max(rise, impact - s.y);
      for (double t = c.bounce_time; t <= 1; t += 0.01) rise = std::max(rise, impact - gen::shapes::clip_state(c, t).y);
      EXPECT_GE(rise, 0.15);
    }
    if (c.motion != "growing" && c.motion != "shrinking") EXPECT_EQ(first.radius, last.radius);
  }
}

TEST(MotionClips, RendersEveryFrameAntialiasedWithTheObjectWhereItIs) {
  const auto clip = gen::shapes::render_clip(red_circle_moving_right(), 16, 64);
  EXPECT_EQ(clip.frames.sizes(), (std::vector<int64_t>{16, 64, 64, 3}));
  EXPECT_EQ(clip.frames.scalar_type(), torch::kUInt8);
  EXPECT_EQ(clip.fps.value(), 8.0);
  // The corner is background, the object's centre is red, edges are mixed.
  auto corner = clip.frames[0][1][1];
  EXPECT_EQ(corner[2].item<int>(), 220);
  auto [x0, y0] = red_centroid(clip.frames[0]);
  auto [x1, y1] = red_centroid(clip.frames[15]);
  EXPECT_NEAR(x0, 0.3, 0.01);
  EXPECT_NEAR(x1, 0.7, 0.01);
  EXPECT_NEAR(y0, 0.5, 0.01);
  auto red = clip.frames[7].select(2, 0).to(torch::kInt);
  EXPECT_GT(((red > 50) & (red < 210)).sum().item<int>(), 0) << "edges should be anti-aliased";
  // A frame is the still renderer's scene of the object at that time.
  gen::shapes::ShapeScene scene;
  scene.shape = "circle", scene.color = "red", scene.background = "blue", scene.radius = 0.2;
  scene.centres = {{0.5, 0.5}};
  auto middle = gen::shapes::render_clip([] {
    auto c = red_circle_moving_right();
    c.motion = "bouncing", c.x = c.end_x = 0.5, c.y = 0.5, c.end_y = 0.7;  // at rest at t = 0
    return c;
  }(), 5, 64);
  EXPECT_TRUE(torch::equal(middle.frames[0], gen::shapes::render_scene(scene, 64).pixels));
}

TEST(MotionClips, AnAppearingObjectFadesInFromTheBackground) {
  auto c = red_circle_moving_right();
  c.motion = "appearing", c.end_x = c.x, c.fade_start = 0.1, c.fade_end = 0.6;
  const auto clip = gen::shapes::render_clip(c, 11, 32);
  auto background = torch::tensor({40, 80, 220}, torch::kUInt8).view({1, 1, 3}).expand({32, 32, 3});
  EXPECT_TRUE(torch::equal(clip.frames[0], background));
  EXPECT_TRUE(torch::equal(clip.frames[1], background));  // t = 0.1: still fully transparent
  auto redness = [&](int f) { return clip.frames[f].select(2, 0).to(torch::kFloat32).max().item<double>(); };
  EXPECT_LT(redness(2), redness(4));
  EXPECT_LT(redness(4), redness(6));
  EXPECT_EQ(redness(6), 220);  // t = 0.6: opaque
  EXPECT_TRUE(torch::equal(clip.frames[6], clip.frames[10]));
}

TEST(MotionClips, CaptionsNameColourShapeMotionAndBackground) {
  EXPECT_EQ(gen::shapes::caption_clip(red_circle_moving_right(), 0), "a red circle moving to the right on a blue background");
  EXPECT_EQ(gen::shapes::caption_clip(red_circle_moving_right(), 1), "a red circle moves right, blue background");
  EXPECT_EQ(gen::shapes::caption_clip(red_circle_moving_right(), 2), "a large red circle that moves to the right on a blue background");
  auto c = red_circle_moving_right();
  c.color = "orange", c.motion = "growing", c.size = "";
  EXPECT_EQ(gen::shapes::caption_clip(c, 0), "an orange circle growing on a blue background");
  EXPECT_EQ(gen::shapes::caption_clip(c, 2), "an orange circle that gets bigger on a blue background");
  std::mt19937_64 rng(3);
  for (int i = 0; i < 300; ++i) {
    const auto clip = gen::shapes::random_clip(rng, i % 3 == 0);
    std::set<std::string> distinct;
    for (int p = 0; p < gen::shapes::clip_caption_phrasings(); ++p) {
      const auto caption = gen::shapes::caption_clip(clip, p);
      distinct.insert(caption);
      EXPECT_NE(caption.find(" " + clip.color + " " + clip.shape), std::string::npos) << caption;
      EXPECT_NE(caption.find(clip.background + " background"), std::string::npos) << caption;
    }
    EXPECT_EQ(distinct.size(), static_cast<size_t>(gen::shapes::clip_caption_phrasings()));
  }
  // Every motion has its own words in every phrasing.
  for (int p = 0; p < gen::shapes::clip_caption_phrasings(); ++p) {
    std::set<std::string> captions;
    for (const auto& motion : gen::shapes::motion_names()) {
      c.motion = motion;
      captions.insert(gen::shapes::caption_clip(c, p));
    }
    EXPECT_EQ(captions.size(), gen::shapes::motion_names().size());
  }
}

// The world's prompt-travel rules turn every caption of every motion, in every phrasing,
// into keyframe captions without motion words that place or size the object as the
// motion runs, in the still dataset's words.
TEST(MotionClips, TravelRulesRewriteEveryCaptionIntoStillCaptions) {
  const auto rules = gen::TravelRules::parse(gen::shapes::clip_travel_rules().dump(), "world rules");
  const auto where = [](const std::string& position) { return gen::shapes::position_phrase(position); };
  const std::map<std::string, std::pair<std::string, std::string>> ends{
      {"right", {where("left"), where("right")}},  {"left", {where("right"), where("left")}},
      {"up", {where("bottom"), where("top")}},     {"down", {where("top"), where("bottom")}},
      {"growing", {"a small ", "a large "}},        {"shrinking", {"a large ", "a small "}},
      {"bouncing", {where("top"), where("bottom")}}};
  std::mt19937_64 rng(11);
  for (int i = 0; i < 400; ++i) {
    const auto clip = gen::shapes::random_clip(rng, i % 4 == 0);
    for (int p = 0; p < gen::shapes::clip_caption_phrasings(); ++p) {
      const auto caption = gen::shapes::caption_clip(clip, p);
      const auto keys = rules.keyframes_for(caption);
      ASSERT_GE(keys.size(), 2u) << caption;
      EXPECT_EQ(keys.front().at, 0.0) << caption;
      EXPECT_EQ(keys.back().at, 1.0) << caption;
      for (const auto& k : keys) {
        for (const auto& motion : gen::shapes::motion_names())
          for (const auto& words : gen::shapes::motion_phrases(motion))
            EXPECT_EQ((" " + k.prompt + " ").find(" " + words + " "), std::string::npos) << caption << " -> " << k.prompt;
        EXPECT_NE(k.prompt.find(clip.background + " background"), std::string::npos) << k.prompt;
        EXPECT_EQ(k.prompt.find("  "), std::string::npos) << k.prompt;
      }
      if (clip.motion == "appearing") {
        EXPECT_EQ(keys.front().prompt, "a " + clip.background + " background") << caption;
        EXPECT_NE(keys.back().prompt.find(clip.color + " " + clip.shape), std::string::npos) << keys.back().prompt;
        continue;
      }
      const auto& [first, last] = ends.at(clip.motion);
      EXPECT_NE(keys.front().prompt.find(first), std::string::npos) << caption << " -> " << keys.front().prompt;
      EXPECT_NE(keys.back().prompt.find(last), std::string::npos) << caption << " -> " << keys.back().prompt;
      EXPECT_NE(keys.back().prompt.find(clip.color + " " + clip.shape), std::string::npos) << keys.back().prompt;
    }
  }
  auto still = red_circle_moving_right();
  EXPECT_EQ(rules.keyframes_for(gen::shapes::caption_clip(still, 0)).front().prompt,
            "a red circle on the left on a blue background");
  EXPECT_TRUE(rules.keyframes_for("a red circle on the left on a blue background").empty());
}

gen::shapes::MotionDatasetOptions small_dataset() {
  gen::shapes::MotionDatasetOptions o;
  o.train_count = 12, o.heldout_count = 4, o.frames = 6, o.size = 32, o.seed = 5, o.examples = 1;
  return o;
}

TEST(MotionDataset, IsDeterministicAndReadsBack) {
  gen::test::TempDir dir;
  auto o = small_dataset();
  gen::shapes::write_motion_dataset(dir / "a", o, {});
  gen::shapes::write_motion_dataset(dir / "b", o, {});
  for (const char* f : {"train/clips.safetensors", "train/clips.jsonl", "heldout/clips.safetensors",
                        "heldout/clips.jsonl", "dataset.json"})
    EXPECT_EQ(gen::test::read_text(dir / "a" / f), gen::test::read_text(dir / "b" / f)) << f;
  for (const char* f : {"train/example_0.mp4", "train/example_0.gif", "heldout/example_0.gif"})
    EXPECT_TRUE(fs::exists(dir / "a" / f)) << f;
  EXPECT_FALSE(fs::exists(dir / "a" / "train" / "example_1.gif"));

  const auto train = gen::shapes::read_motion_split(dir / "a", "train");
  ASSERT_EQ(train.clips.size(), 12u);
  EXPECT_EQ(train.frames.sizes(), (std::vector<int64_t>{12, 6, 32, 32, 3}));
  // The stored fields redraw the stored frames.
  for (size_t i = 0; i < train.clips.size(); ++i)
    EXPECT_TRUE(torch::equal(gen::shapes::render_clip(train.clips[i], 6, 32).frames, train.frames[static_cast<int64_t>(i)]))
        << i;
  const auto heldout = gen::shapes::read_motion_split(dir / "a", "heldout");
  ASSERT_EQ(heldout.clips.size(), 4u);
  for (const auto& c : heldout.clips) EXPECT_TRUE(gen::shapes::is_heldout_motion_pair(c.shape, c.motion));
  // Every line carries every phrasing.
  auto line = nlohmann::json::parse(gen::test::nonempty_lines(gen::test::read_text(dir / "a" / "train" / "clips.jsonl"))[0]);
  EXPECT_EQ(line["captions"].size(), static_cast<size_t>(gen::shapes::clip_caption_phrasings()));
  EXPECT_EQ(line["captions"][0], gen::shapes::caption_clip(train.clips[0], 0));

  o.seed = 6;
  gen::shapes::write_motion_dataset(dir / "c", o, {});
  EXPECT_NE(gen::test::read_text(dir / "a" / "train" / "clips.jsonl"), gen::test::read_text(dir / "c" / "train" / "clips.jsonl"));
}

// The reader's message for a split whose files were tampered with by `damage`.
std::string clip_read_error(const std::function<void(const fs::path& split)>& damage) {
  gen::test::TempDir dir;
  gen::shapes::write_motion_dataset(dir.path(), small_dataset(), {});
  damage(dir / "train");
  try {
    gen::shapes::read_motion_split(dir.path(), "train");
  } catch (const gen::InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(MotionDataset, BrokenFilesAreOneClearInputError) {
  EXPECT_NE(clip_read_error([](const fs::path& d) { fs::remove(d / "clips.jsonl"); }).find("make one with `gen data video"),
            std::string::npos);
  EXPECT_NE(clip_read_error([](const fs::path& d) { fs::resize_file(d / "clips.safetensors", 1000); }).find("clips.safetensors"),
            std::string::npos);
  // One line fewer than clips, or one more.
  EXPECT_NE(clip_read_error([](const fs::path& d) {
              auto lines = gen::test::nonempty_lines(gen::test::read_text(d / "clips.jsonl"));
              lines.pop_back();
              std::string text;
              for (const auto& l : lines) text += l + "\n";
              gen::test::write_text(d / "clips.jsonl", text);
            }).find("has 11 clips but"),
            std::string::npos);
  EXPECT_NE(clip_read_error([](const fs::path& d) {
              gen::test::write_text(d / "clips.jsonl", gen::test::read_text(d / "clips.jsonl") +
                                                           gen::test::nonempty_lines(gen::test::read_text(d / "clips.jsonl"))[0] + "\n");
            }).find("has 13 clips but"),
            std::string::npos);
  // A truncated last line.
  EXPECT_NE(clip_read_error([](const fs::path& d) {
              const auto text = gen::test::read_text(d / "clips.jsonl");
              gen::test::write_text(d / "clips.jsonl", text.substr(0, text.size() - 30));
            }).find("line 12: not JSON"),
            std::string::npos);
  // Frames of the wrong type.
  EXPECT_NE(clip_read_error([](const fs::path& d) {
              gen::save_safetensors(d / "clips.safetensors", {{"frames", torch::zeros({12, 6, 32, 32, 3})}});
            }).find("uint8 [N, F, H, W, 3]"),
            std::string::npos);
  EXPECT_NE(clip_read_error([](const fs::path& d) {
              gen::save_safetensors(d / "clips.safetensors", {{"images", torch::zeros({12, 6, 32, 32, 3}, torch::kUInt8)}});
            }).find("no tensor \"frames\""),
            std::string::npos);
}

TEST(ClipRecord, RoundTripsAndRefusesBadFields) {
  std::mt19937_64 rng(4);
  const auto clip = gen::shapes::random_clip(rng, false);
  const auto line = gen::shapes::clip_record(clip).dump();
  const auto back = gen::shapes::parse_clip_jsonl(line + "\n\n" + line, "x.jsonl");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(gen::shapes::clip_record(back[1]).dump(), line);

  auto error_of = [&](const std::function<void(nlohmann::json&)>& edit) -> std::string {
    auto j = gen::shapes::clip_record(clip);
    edit(j);
    try {
      gen::shapes::parse_clip_jsonl(line + "\n" + j.dump() + "\n", "x.jsonl");
    } catch (const gen::InputError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(error_of([](auto& j) { j["motion"] = "spinning"; }),
            "x.jsonl: line 2: \"motion\" is 'spinning', not one of the known names");
  EXPECT_EQ(error_of([](auto& j) { j.erase("x"); }), "x.jsonl: line 2: \"x\" must be a number");
  EXPECT_EQ(error_of([](auto& j) { j["shape"] = 3; }), "x.jsonl: line 2: \"shape\" must be a string");
  EXPECT_NE(error_of([](auto& j) { j["radius"] = 7.5; }).find("\"radius\" must be in"), std::string::npos);
  EXPECT_NE(error_of([](auto& j) { j["end_y"] = -0.1; }).find("\"end_y\" must be in"), std::string::npos);
  EXPECT_NE(error_of([](auto& j) { j["fade_start"] = 0.9, j["fade_end"] = 0.2; }).find("before"), std::string::npos);
  EXPECT_NE(error_of([](auto& j) { j["captions"] = {1, 2}; }).find("array of strings"), std::string::npos);
  EXPECT_NE(error_of([](auto& j) { j = nlohmann::json::array({1}); }).find("not a JSON object"), std::string::npos);
  EXPECT_THROW(gen::shapes::parse_clip_jsonl(std::string(70000, ' ') + "{}", "x"), gen::InputError);
  EXPECT_THROW(gen::shapes::parse_clip_jsonl("{\"shape\": \"circle\",", "x"), gen::InputError);
  EXPECT_TRUE(gen::shapes::parse_clip_jsonl(" \n\r\n", "x").empty());
}

}  // namespace
