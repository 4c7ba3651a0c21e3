// The shipped default motion model (assets/default-motion) makes the motions its prompts
// ask for. Captions from a dataset seed neither the model (1) nor the judges (101) saw
// (7), the model's own sampler and steps (DDIM, 50), one thread (bit-reproducible); the
// shipped judges (assets/judge-motion, trained on real motions only and checked on fresh
// real ones in test_motion_judges_shipped.cpp) read the action and the caption back.
// Version 7 (a sequence's frames read their own action's caption, split by the model's
// prompt_travel.json) measured here on 2026-12-08: train actions 0.84 (27 of 32), R@3
// 0.94 (real 0.94), skating 0.019 (real 0), penetration 0.15 cm; held out actions 0.62
// (20 of 32), R@3 0.75 (real 1.00), FID 0.42. Version 6 measured 0.81 / 0.97 train and
// 0.38 / 0.69 / 0.56 held out, version 5 0.75 / 0.91 and 0.31 / 0.66 / 0.52: on one
// pool of 32 captions one motion is 3 points, so the 128-caption evaluation of
// docs/model-zoo.md is the one that ranks versions. The bounds sit three motions under
// version 7; the targets (0.90 / 0.70 actions) are docs/model-zoo.md's business
// until a version earns them.
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
  EXPECT_GE(model["actions"].get<double>(), 0.75) << model.dump();
  EXPECT_GE(model["r_precision"]["top3"].get<double>(), 0.84) << model.dump();
  EXPECT_LE(model["skating"].get<double>(), real["skating"].get<double>() + 0.1) << model.dump();
  EXPECT_LE(model["penetration"].get<double>(), 0.01) << model.dump();
}

TEST(DefaultMotionModel, DoesHeldOutCombinations) {
  ASSERT_TRUE(fs::exists(kDefaultMotionModel / "mdm" / "config.json"));
  const auto runs = evaluate_motion("heldout");
  ASSERT_EQ(runs.size(), 2u);
  const auto& model = runs[1];
  // Version 7 does most held-out combinations (chance would be ~1 in 13 actions and 3 of
  // 32 for R@3) and its motions stay nearer real ones than a static pose's 2.0.
  EXPECT_GE(model["actions"].get<double>(), 0.53) << model.dump();
  EXPECT_GE(model["r_precision"]["top3"].get<double>(), 0.65) << model.dump();
  EXPECT_LE(model["fid"].get<double>(), 0.6) << model.dump();
}

// The shipped rules split a sequence prompt into its actions (recorded in the sidecar);
// a single action runs on the whole prompt.
TEST(DefaultMotionModel, SplitsASequencePromptIntoItsActions) {
  ASSERT_TRUE(fs::exists(kDefaultMotionModel / "prompt_travel.json"));
  gen::test::TempDir dir;
  auto generate = [&](const std::string& prompt, const fs::path& out) {
    auto r = gen::test::run_gen({"motion", "-p", prompt, "--steps", "2", "-o", out.string(), "-q"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return gen::test::sidecar(out);
  };
  const auto seq = generate("after waving with her left hand, a woman sits down", dir / "seq.npy");
  ASSERT_TRUE(seq.contains("prompt_travel")) << seq.dump();
  EXPECT_EQ(seq["prompt_travel"].front()["prompt"], "a woman is waving with her left hand");
  EXPECT_EQ(seq["prompt_travel"].back()["prompt"], "a woman sits down");
  EXPECT_FALSE(generate("a person jumps twice", dir / "one.npy").contains("prompt_travel"));
}

}  // namespace
