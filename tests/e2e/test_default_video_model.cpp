// The shipped default video model (assets/default-video on assets/default-image) makes
// the clips its prompts ask for. Clips from a dataset seed the model never saw (7;
// training used 1), DPM++ 2M at 25 steps, CFG 5, one thread (bit-reproducible); the
// clip analyser (worlds/shapes motion_analysis, proven on real clips in
// tests/unit/test_motion_analysis.cpp) reads per-frame colour+shape, the motion and the
// consistency back. Version 1 here: train colour 0.93, colour+shape 0.59 (per frame),
// background 0.98, motion 0.125, consistent 0.125; held out colour 0.97, colour+shape
// 0.54, background 0.82, motion 0. The bounds sit about one clip under that. Version 1
// does not follow motion words yet (docs/model-zoo.md), so motion and consistency have
// no bound here until a version earns one; the targets (0.90 colour+shape,
// 0.85 / 0.70 motion) are docs/model-zoo.md's business.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;

const fs::path kDefaultVideoModel = fs::path(GEN_SOURCE_DIR) / "assets" / "default-video";

// The model's row for 8 prompts of one split.
nlohmann::json evaluate_video(const std::string& split) {
  return gen::test::eval_world("video", {"--train", "8", "--heldout", "8", "-s", "7"},
                               {"--splits", split, "--count", "8", "--samplers", "dpmpp_2m", "--steps", "25",
                                "--cfg-scale", "5", "--threads", "1"})
      .at(0);
}

TEST(DefaultVideoModel, IsShipped) {
  EXPECT_TRUE(fs::exists(kDefaultVideoModel / "config.json")) << kDefaultVideoModel << " is missing: see docs/model-zoo.md";
  EXPECT_TRUE(fs::exists(kDefaultVideoModel / "generation_defaults.json"));
}

TEST(DefaultVideoModel, DrawsThePromptedObjectInEveryFrame) {
  ASSERT_TRUE(fs::exists(kDefaultVideoModel / "config.json"));
  const auto train = evaluate_video("train");
  EXPECT_GE(train["color"].get<double>(), 0.85) << train.dump();
  EXPECT_GE(train["color_and_shape"].get<double>(), 0.45) << train.dump();
  EXPECT_GE(train["background"].get<double>(), 0.85) << train.dump();
}

TEST(DefaultVideoModel, DrawsHeldOutShapeMotionPairs) {
  ASSERT_TRUE(fs::exists(kDefaultVideoModel / "config.json"));
  const auto heldout = evaluate_video("heldout");
  EXPECT_GE(heldout["color"].get<double>(), 0.85) << heldout.dump();
  EXPECT_GE(heldout["color_and_shape"].get<double>(), 0.40) << heldout.dump();
  EXPECT_GE(heldout["background"].get<double>(), 0.70) << heldout.dump();
}

}  // namespace
