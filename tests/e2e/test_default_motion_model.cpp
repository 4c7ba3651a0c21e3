// The shipped default motion model (assets/default-motion) makes the motions its prompts
// ask for. Captions from a dataset seed neither the model (1) nor the judges (101) saw
// (7), the model's own sampler and steps (DDIM, 50), one thread (bit-reproducible); the
// shipped judges (assets/judge-motion, trained on real motions only and checked on fresh
// real ones in test_motion_judges_shipped.cpp) read the action and the caption back.
// Version 6 (version 5's recipe on twice the training motions) measured here on
// 2026-12-06: train actions 0.81 (26 of 32), R@3 0.97 (real 0.94), skating 0.022 (real
// 0), penetration 0.16 cm; held out actions 0.38 (12 of 32), R@3 0.69 (real 1.00), FID
// 0.56. Version 5 measured 0.75 / 0.91 train and 0.31 / 0.66 / 0.52 held out, version 4
// 0.75 / 0.81 and 0.31 / 0.47 / 0.58: on one pool of 32 captions one motion is 3 points,
// so the 128-caption evaluation of docs/model-zoo.md is the one that ranks versions. The
// bounds sit three motions under version 6; the targets (0.90 / 0.70 actions)
// are docs/model-zoo.md's business until a version earns them.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;

const fs::path kDefaultMotionModel = fs::path(GEN_SOURCE_DIR) / "assets" / "default-motion";

// Rows: the split's real motions (the judges' ceiling), then the model.
nlohmann::json evaluate_motion(const std::string& split) {
  return gen::test::eval_world("motion", {"--train", "64", "--heldout", "64", "-s", "7"},
                               {"--splits", split, "--count", "32", "--mm-prompts", "0", "--threads", "1"});
}

TEST(DefaultMotionModel, IsShipped) {
  EXPECT_TRUE(fs::exists(kDefaultMotionModel / "mdm" / "config.json")) << kDefaultMotionModel << " is missing: see docs/model-zoo.md";
  EXPECT_TRUE(fs::exists(kDefaultMotionModel / "generation_defaults.json"));
}

TEST(DefaultMotionModel, DoesThePromptedActions) {
  ASSERT_TRUE(fs::exists(kDefaultMotionModel / "mdm" / "config.json"));
  const auto runs = evaluate_motion("train");
  ASSERT_EQ(runs.size(), 2u);
  const auto& real = runs[0];
  const auto& model = runs[1];
  EXPECT_GE(model["actions"].get<double>(), 0.7) << model.dump();
  EXPECT_GE(model["r_precision"]["top3"].get<double>(), 0.85) << model.dump();
  EXPECT_LE(model["skating"].get<double>(), real["skating"].get<double>() + 0.1) << model.dump();
  EXPECT_LE(model["penetration"].get<double>(), 0.01) << model.dump();
}

TEST(DefaultMotionModel, DoesHeldOutCombinations) {
  ASSERT_TRUE(fs::exists(kDefaultMotionModel / "mdm" / "config.json"));
  const auto runs = evaluate_motion("heldout");
  ASSERT_EQ(runs.size(), 2u);
  const auto& model = runs[1];
  // Version 6 does some held-out combinations (chance would be ~1 in 13 actions and 3 of
  // 32 for R@3) and its motions stay nearer real ones than a static pose's 2.0.
  EXPECT_GE(model["actions"].get<double>(), 0.28) << model.dump();
  EXPECT_GE(model["r_precision"]["top3"].get<double>(), 0.6) << model.dump();
  EXPECT_LE(model["fid"].get<double>(), 0.75) << model.dump();
}

}  // namespace
