// The shipped default audio model (assets/default-audio) makes the sounds its prompts ask
// for. Captions from a dataset seed neither the model (1) nor the judges (101) saw (7), the
// model's own sampler at 25 steps, one thread (bit-reproducible); the shipped judges
// (assets/judge-audio, trained on real renders only and checked on fresh real ones in
// test_sound_judges_shipped.cpp) read the class, the pitch and the timing back.
// The bounds are the targets (25 steps: >= 0.90 class and pitch on training
// captions, >= 0.70 on held-out combinations). Until the UNet and vocoder stages are
// trained and committed (scripts/train_default_audio.sh, docs/model-zoo.md) the model
// tests skip with that reason; onset and Frechet-distance bounds join once measured.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;

const fs::path kModel = fs::path(GEN_SOURCE_DIR) / "assets" / "default-audio";

// Rows: the split's real clips (the judges' ceiling), then the model.
nlohmann::json evaluate(const std::string& split) {
  return gen::test::eval_world("audio", {"--train", "48", "--heldout", "48", "-s", "7"},
                               {"--splits", split, "--count", "24", "--steps", "25", "--vocoder-clips", "0", "--threads", "1"});
}

double accuracy(const nlohmann::json& row, const char* measure) { return row[measure]["accuracy"].get<double>(); }

bool unet_shipped() { return fs::exists(kModel / "unet" / "config.json"); }

#define SKIP_UNLESS_SHIPPED() \
  if (!unet_shipped()) GTEST_SKIP() << kModel << " has no UNet yet: see docs/model-zoo.md"

TEST(DefaultAudioModel, IsShipped) {
  SKIP_UNLESS_SHIPPED();
  EXPECT_TRUE(fs::exists(kModel / "vocoder" / "config.json"));
  EXPECT_TRUE(fs::exists(kModel / "generation_defaults.json"));
}

TEST(DefaultAudioModel, MakesThePromptedSounds) {
  SKIP_UNLESS_SHIPPED();
  const auto runs = evaluate("train");
  ASSERT_EQ(runs.size(), 2u);
  const auto& real = runs[0];
  const auto& model = runs[1];
  EXPECT_GE(accuracy(model, "class"), 0.90) << model.dump();
  EXPECT_GE(accuracy(model, "pitch"), 0.90) << model.dump();
  EXPECT_GE(accuracy(real, "class"), 0.95) << "the judges misread real renders: " << real.dump();
}

TEST(DefaultAudioModel, DoesHeldOutCombinations) {
  SKIP_UNLESS_SHIPPED();
  const auto runs = evaluate("heldout");
  ASSERT_EQ(runs.size(), 2u);
  const auto& model = runs[1];
  EXPECT_GE(accuracy(model, "class"), 0.70) << model.dump();
  EXPECT_GE(accuracy(model, "pitch"), 0.70) << model.dump();
}

}  // namespace
