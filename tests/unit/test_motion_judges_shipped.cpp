// The shipped motion judges (assets/judge-motion, docs/motion.md "Evaluation"): on real
// motions drawn afresh — never in any dataset, of both splits' distributions — they read
// at least as well as the bounds docs/motion.md states. If this fails after a change to
// the humans world, retrain the judges (docs/model-zoo.md) and update the numbers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <gen/humans/judge_validation.h>
#include <gen/humans/labelled_motion.h>
#include <gen/humans/motion_judges.h>

namespace {

using namespace gen::humans;

// A seed no training or documented validation used.
constexpr uint64_t kFreshSeed = 20261203;

struct Bounds {
  double actions, top3;
};

void expect_reads(const std::string& split, bool heldout, Bounds b) {
  const auto judges = MotionJudges::load_default();
  const auto v = validate_judges(judges, split, fresh_motions(heldout, 192, kFreshSeed), 5);
  std::printf("%s: actions %.3f specs %.3f R-precision %.3f %.3f %.3f %s\n", split.c_str(), v.readings.action_accuracy(),
              v.readings.spec_accuracy(), v.r_precision.top1, v.r_precision.top2, v.r_precision.top3,
              v.readings.to_json()["heads"].dump().c_str());
  EXPECT_GE(v.readings.action_accuracy(), b.actions);
  EXPECT_GE(v.r_precision.top3, b.top3);
}

TEST(ShippedMotionJudges, ReadFreshRealTrainingDistributionMotions) { expect_reads("train", false, {0.96, 0.95}); }

TEST(ShippedMotionJudges, ReadFreshRealHeldOutCombinations) { expect_reads("heldout", true, {0.96, 0.95}); }

TEST(ShippedMotionJudges, RecordHowTheyWereTrainedAndChecked) {
  const auto config = MotionJudges::load_default().config();
  EXPECT_TRUE(config.contains("training"));
  ASSERT_EQ(config["validation"].size(), 2u);
  EXPECT_EQ(config["validation"][1]["split"], "heldout");
}

}  // namespace
