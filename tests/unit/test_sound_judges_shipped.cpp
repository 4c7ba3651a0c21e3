// The shipped audio judges (assets/judge-audio, docs/audio.md "Evaluation"): on real
// renders drawn afresh — never in any dataset, of both splits' distributions — they read
// class, source, loudness, pitch, onset, duration and tempo at least as well as the bounds
// docs/audio.md states, and a clip of the wrong thing is read as wrong. If this fails
// after a change to the sounds world, retrain the judges (docs/model-zoo.md) and update
// the numbers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <gen/sounds/sound_judge_training.h>
#include <gen/sounds/sound_judges.h>
#include <gen/sounds/sound_scores.h>

namespace {

using namespace gen::sounds;

// A seed no training or documented validation used.
constexpr uint64_t kFreshSeed = 20261203;

void expect_reads(const std::string& split) {
  const auto judges = SoundJudges::load_default();
  const auto fresh = fresh_sounds(split, 96, kFreshSeed, 16000, 4.0);
  const auto s = score_sounds(judges, fresh.specs, fresh.clips);
  std::printf("%s: %s\n", split.c_str(), s.to_json().dump().c_str());
  EXPECT_GE(*s.sound_class.value(), 0.97);
  EXPECT_GE(*s.source.value(), 0.95);
  EXPECT_GE(*s.loudness.value(), 0.95);
  EXPECT_GE(*s.pitch.value(), 0.97);
  EXPECT_GE(*s.onset.value(), 0.95);
  EXPECT_GE(*s.duration.value(), 0.9);
  if (s.tempo.total > 0) EXPECT_GE(*s.tempo.value(), 0.9);
}

TEST(ShippedSoundJudges, ReadFreshRealTrainingDistributionClips) { expect_reads("train"); }

TEST(ShippedSoundJudges, ReadFreshRealHeldOutCombinations) { expect_reads("heldout"); }

// The judges must also say no: each clip scored against the spec of another class.
TEST(ShippedSoundJudges, ReadOtherSoundsAsWrong) {
  const auto judges = SoundJudges::load_default();
  auto fresh = fresh_sounds("train", 48, kFreshSeed + 1, 16000, 4.0);
  auto specs = fresh.specs;
  for (size_t i = 0; i < specs.size(); ++i)
    for (size_t k = 1; k < specs.size(); ++k)
      if (const auto& other = fresh.specs[(i + k) % specs.size()]; sound_class(other) != sound_class(fresh.specs[i])) {
        specs[i] = other;
        break;
      }
  const auto s = score_sounds(judges, specs, fresh.clips);
  EXPECT_LE(*s.sound_class.value(), 0.05);
  EXPECT_LE(*s.source.value(), 0.05);
}

TEST(ShippedSoundJudges, RecordHowTheyWereTrainedAndChecked) {
  const auto config = SoundJudges::load_default().config();
  EXPECT_TRUE(config.contains("training"));
  ASSERT_EQ(config["validation"].size(), 2u);
  EXPECT_EQ(config["validation"][1]["split"], "heldout");
}

}  // namespace
