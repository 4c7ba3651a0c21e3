// The shipped default audio model (assets/default-audio) makes the sounds its prompts ask
// for. Captions from a dataset seed neither the model (1) nor the judges (101) saw (7), the
// model's own sampler at 25 steps, one thread (bit-reproducible); the shipped judges
// (assets/judge-audio, trained on real renders only and checked on fresh real ones in
// test_sound_judges_shipped.cpp) read the class, the pitch and the timing back.
// Version 4 (version 3's recipe with the UNet at lr 8e-4; 2026-12-07) measured with these
// settings: class 0.750 (18 of 24), pitch 0.857 (6 of the 7 captions naming a note),
// register 1.000 (4 of 4 captions giving a register word) on training captions; class
// 0.792 (19 of 24), pitch 0.571 (8 of 14), register 0.800 (8 of 10) held out; real clips
// 1.00 (docs/audio.md: which pitch a clip is held to, since session 36). Version 3 read
// 0.875, 0.714, 1.000; 0.708, 0.357, 0.800 — version 4 trades training captions' class
// for held-out combinations' (on 64 + 64 captions of two sets too: docs/model-zoo.md), so
// its training-class bound is lower than version 3's and the held-out bounds higher. The
// bounds sit two clips under version 4; the targets (0.90 / 0.70 class and pitch)
// are docs/model-zoo.md's business until a version earns them.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;

const fs::path kDefaultAudioModel = fs::path(GEN_SOURCE_DIR) / "assets" / "default-audio";

// Rows: the split's real clips (the judges' ceiling), then the model.
nlohmann::json evaluate_audio(const std::string& split) {
  return gen::test::eval_world("audio", {"--train", "48", "--heldout", "48", "-s", "7"},
                               {"--splits", split, "--count", "24", "--steps", "25", "--vocoder-clips", "0", "--threads", "1"});
}

double accuracy(const nlohmann::json& row, const char* measure) { return row[measure]["accuracy"].get<double>(); }

TEST(DefaultAudioModel, IsShipped) {
  EXPECT_TRUE(fs::exists(kDefaultAudioModel / "unet" / "config.json")) << kDefaultAudioModel << " is missing: see docs/model-zoo.md";
  EXPECT_TRUE(fs::exists(kDefaultAudioModel / "generation_defaults.json"));
  // Griffin-Lim until a trained HiFi-GAN beats it (docs/model-zoo.md): no vocoder/ shipped.
  EXPECT_FALSE(fs::exists(kDefaultAudioModel / "vocoder"));
}

TEST(DefaultAudioModel, MakesThePromptedSounds) {
  ASSERT_TRUE(fs::exists(kDefaultAudioModel / "unet" / "config.json"));
  const auto runs = evaluate_audio("train");
  ASSERT_EQ(runs.size(), 2u);
  const auto& real = runs[0];
  const auto& model = runs[1];
  EXPECT_GE(accuracy(model, "class"), 0.66) << model.dump();  // 16 of 24; chance: 1 in 12
  EXPECT_GE(accuracy(model, "pitch"), 0.55) << model.dump();  // 4 of 7
  EXPECT_GE(accuracy(model, "register"), 0.5) << model.dump();
  EXPECT_GE(accuracy(real, "class"), 0.95) << "the judges misread real renders: " << real.dump();
}

TEST(DefaultAudioModel, DoesHeldOutCombinations) {
  ASSERT_TRUE(fs::exists(kDefaultAudioModel / "unet" / "config.json"));
  const auto runs = evaluate_audio("heldout");
  ASSERT_EQ(runs.size(), 2u);
  const auto& model = runs[1];
  EXPECT_GE(accuracy(model, "class"), 0.70) << model.dump();   // 17 of 24
  EXPECT_GE(accuracy(model, "pitch"), 0.42) << model.dump();   // 6 of 14
  EXPECT_GE(accuracy(model, "register"), 0.5) << model.dump();
}

}  // namespace
