// The shipped default 3D model (assets/default-3d, a height-field model: docs/3d.md)
// makes the solids its prompts ask for. Captions from a dataset seed neither the model
// (1) nor the judges saw (7), the model's own sampler, steps, CFG and point count, one
// thread (bit-reproducible); the shipped judges (assets/judge-3d, trained on real clouds
// only and checked on fresh real ones in test_solids_judges.cpp) read the shape, colour
// and size back, and 1-NNA compares the clouds with the same captions' real ones.
// Version 1 with guidance only at t <= 0.4 (its generation_defaults.json since
// 2026-12-05), measured on the first 32 captions of each split with 2 threads: shape 0.94
// (30 of 32) train and 0.91 (29 of 32) held out, colour 1.00, size 1.00 / 0.97, 1-NNA
// 0.34 / 0.33 (real halves: 0.56 / 0.50); CFG 1.5 everywhere read 0.84 / 0.88. This test
// reads the first 16 of each (16 clouds take ~95 s of one core): shape 1.00 (16 of 16)
// train and 0.88 (14 of 16) held out, colour 1.00, 1-NNA 0.09 / 0.16 with one thread. The
// shape bounds sit a few clouds under it (the targets, 0.90 / 0.70, are measured
// on larger fresh sets in docs/model-zoo.md).
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;

const fs::path kDefault3dModel = fs::path(GEN_SOURCE_DIR) / "assets" / "default-3d";

// Rows: the split's real clouds (the judges' ceiling), then the model.
nlohmann::json evaluate_3d(const std::string& split) {
  return gen::test::eval_world("3d", {"--train", "32", "--heldout", "32", "-s", "7"},
                               {"--splits", split, "--count", "16", "--threads", "1"});
}

TEST(Default3dModel, IsShipped) {
  EXPECT_TRUE(fs::exists(kDefault3dModel / "unet" / "config.json")) << kDefault3dModel << " is missing: see docs/model-zoo.md";
  EXPECT_TRUE(fs::exists(kDefault3dModel / "height_field" / "config.json"));
  EXPECT_TRUE(fs::exists(kDefault3dModel / "generation_defaults.json"));
}

TEST(Default3dModel, MakesThePromptedSolids) {
  ASSERT_TRUE(fs::exists(kDefault3dModel / "unet" / "config.json"));
  const auto runs = evaluate_3d("train");
  ASSERT_EQ(runs.size(), 2u);
  const auto& real = runs[0];
  const auto& model = runs[1];
  EXPECT_GE(model["shape"].get<double>(), 0.81) << model.dump();  // 13 of 16; chance: 1 in 7
  EXPECT_GE(model["color"].get<double>(), 0.9) << model.dump();
  EXPECT_LE(model["nna"].get<double>(), 0.65) << model.dump();
  EXPECT_GE(real["shape"].get<double>(), 0.95) << "the judges misread real clouds: " << real.dump();
}

TEST(Default3dModel, DoesHeldOutCombinations) {
  ASSERT_TRUE(fs::exists(kDefault3dModel / "unet" / "config.json"));
  const auto runs = evaluate_3d("heldout");
  ASSERT_EQ(runs.size(), 2u);
  const auto& model = runs[1];
  EXPECT_GE(model["shape"].get<double>(), 0.75) << model.dump();  // 12 of 16
  EXPECT_GE(model["color"].get<double>(), 0.9) << model.dump();
  EXPECT_LE(model["nna"].get<double>(), 0.65) << model.dump();
}

}  // namespace
