// The motion evaluation as a library call (what `gen eval motion` prints), with the
// shipped judges: the reference rows of real motions need no model and score far above
// the baselines (a static pose, real motions of other captions), and a model driven
// through the generation host — the motion_walk test plugin, one fixed walk whatever
// the prompt — lands between: it moves like a body, but not as told.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/humans/motion_dataset.h>
#include <gen/humans/motion_evaluation.h>
#include <gen/registry.h>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using namespace gen::humans;

gen::PluginRegistry walk_plugin() {
  gen::PluginRegistry registry;
  EXPECT_TRUE(registry.load(fs::path(GEN_TEST_PLUGIN_DIR) / "libtest_plugin_motion_walk.so"));
  return registry;
}

MotionEvaluationSettings small_motion_run(const gen::test::TempDir& dir) {
  MotionDatasetOptions data;
  data.train_count = 40, data.heldout_count = 40, data.seed = 5, data.captions = 2, data.examples = 0;
  write_motion_dataset(dir / "data", data, {});
  MotionEvaluationSettings s;
  s.data = dir / "data";
  s.count = 32;
  s.mm_prompts = 4, s.mm_repeats = 3;
  return s;
}

const MotionEvaluationRow& row_of(const MotionEvaluationReport& r, const std::string& split, const std::string& sampler) {
  for (const auto& row : r.rows)
    if (row.split == split && row.sampler == sampler) return row;
  throw std::runtime_error("no row " + split + "/" + sampler);
}

TEST(MotionEvaluation, RealMotionsScoreFarAboveAStaticPoseAndMismatchedCaptions) {
  gen::test::TempDir dir;
  auto s = small_motion_run(dir);
  s.generate = false, s.baselines = true;
  std::vector<std::string> streamed;
  const auto report = evaluate_motion_model(gen::PluginRegistry{}, s, [&](const auto& row) {
    streamed.push_back(row.split + "/" + row.sampler);
  });
  EXPECT_EQ(streamed, (std::vector<std::string>{"train/real motions", "train/static pose", "train/mismatched real",
                                                "heldout/real motions", "heldout/static pose", "heldout/mismatched real"}));
  EXPECT_EQ(report.plugin, "");
  for (const char* split : {"train", "heldout"}) {
    SCOPED_TRACE(split);
    const auto& real = row_of(report, split, "real motions").scores;
    const auto& still = row_of(report, split, "static pose").scores;
    const auto& other = row_of(report, split, "mismatched real").scores;
    std::printf("%s real %s\n", split, real.to_json().dump().substr(0, 400).c_str());
    EXPECT_EQ(real.motions, 32);
    EXPECT_GE(real.readings.action_accuracy(), 0.9);
    EXPECT_GE(real.r_precision.top3, 0.8);
    EXPECT_LE(still.readings.action_accuracy(), 0.3);
    EXPECT_LE(other.readings.action_accuracy(), 0.3);
    EXPECT_LT(other.r_precision.top3, real.r_precision.top3 - 0.4);
    EXPECT_GT(*still.fid, 3 * *real.fid);
    EXPECT_LT(still.diversity, real.diversity);
    ASSERT_TRUE(real.multimodality.has_value());
    EXPECT_GT(*real.multimodality, 0);
    EXPECT_LT(real.skating, 0.02);
    EXPECT_LT(real.penetration, 1e-6);
    EXPECT_EQ(still.skating, 0);
    // Misses name what was asked and what was read.
    ASSERT_FALSE(still.misses.empty());
    EXPECT_FALSE(still.misses[0].read.empty());
  }
  const auto j = report.to_json();
  EXPECT_EQ(j["runs"].size(), 6u);
  EXPECT_EQ(j["runs"][0]["r_precision"]["batch"], 32);
  EXPECT_TRUE(j["runs"][1]["misses"].is_array());
}

TEST(MotionEvaluation, AModelIgnoringThePromptIsReadAsIgnoringIt) {
  gen::test::TempDir dir;
  auto s = small_motion_run(dir);
  s.model = "walk";
  s.splits = {"train"};
  const auto report = evaluate_motion_model(walk_plugin(), s);
  EXPECT_EQ(report.plugin, "motion_walk");
  ASSERT_EQ(report.rows.size(), 2u);
  const auto& real = report.rows[0].scores;
  const auto& walk = report.rows[1].scores;
  EXPECT_EQ(report.rows[1].sampler, "default");
  EXPECT_EQ(walk.motions, 32);
  std::printf("walk: %s\n", walk.to_json().dump().substr(0, 400).c_str());
  EXPECT_LT(walk.readings.action_accuracy(), real.readings.action_accuracy() - 0.5);
  EXPECT_LT(walk.r_precision.top3, 0.4);
  EXPECT_GT(*walk.fid, 3 * *real.fid);
  // Every seed of a prompt gets the same walk: no variety at all (lengths differ between prompts).
  EXPECT_NEAR(*walk.multimodality, 0, 1e-6);
  EXPECT_LT(walk.diversity, real.diversity);
  // The same settings give the same report.
  EXPECT_EQ(evaluate_motion_model(walk_plugin(), s).to_json(), report.to_json());
}

TEST(MotionEvaluation, BadSettingsAndMissingPartsAreTheRightErrors) {
  gen::test::TempDir dir;
  auto s = small_motion_run(dir);
  s.generate = false;
  s.count = 41;
  EXPECT_THROW(evaluate_motion_model(gen::PluginRegistry{}, s), gen::UsageError);
  s.count = 8, s.splits = {"validation"};
  EXPECT_THROW(evaluate_motion_model(gen::PluginRegistry{}, s), gen::UsageError);
  s.splits = {"train"}, s.judges = dir / "data";
  EXPECT_THROW(evaluate_motion_model(gen::PluginRegistry{}, s), gen::InputError);
  s.judges.clear(), s.data = dir / "nowhere";
  EXPECT_THROW(evaluate_motion_model(gen::PluginRegistry{}, s), gen::InputError);
  s.data = dir / "data", s.generate = true;
  EXPECT_THROW(evaluate_motion_model(gen::PluginRegistry{}, s), gen::ModelError);
}

}  // namespace
