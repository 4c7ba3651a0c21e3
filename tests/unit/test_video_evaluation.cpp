// The video evaluation as a library call (what `gen eval video` prints), run through the
// generation host against a test plugin (tests/plugins/shapes_video.cpp) whose models
// are right or wrong on purpose: a model that draws the captions scores like the real
// clips, one that holds still fails on motion, one that jumbles frames fails on
// consistency and lands far from the real clips.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/registry.h>
#include <gen/shapes/motion_dataset.h>
#include <gen/shapes/video_evaluation.h>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;

gen::PluginRegistry shapes_video_plugin() {
  gen::PluginRegistry registry;
  EXPECT_TRUE(registry.load(fs::path(GEN_TEST_PLUGIN_DIR) / "libtest_plugin_shapes_video.so"));
  return registry;
}

gen::shapes::VideoEvaluationSettings small_run(const gen::test::TempDir& dir, const std::string& model) {
  gen::shapes::MotionDatasetOptions data;
  data.train_count = 8, data.heldout_count = 6, data.frames = 12, data.seed = 3, data.examples = 0;
  gen::shapes::write_motion_dataset(dir / "data", data, {});
  gen::shapes::VideoEvaluationSettings s;
  s.model = model;
  s.data = dir / "data";
  s.samplers = {"ddim"};
  s.steps = {2};
  s.count = 8;
  s.splits = {"train"};
  return s;
}

TEST(VideoEvaluation, ADrawingModelScoresLikeTheRealClips) {
  gen::test::TempDir dir;
  auto s = small_run(dir, "oracle");
  s.baselines = true;
  s.samplers = {"ddim", "euler"};
  s.save_clips = dir / "clips";
  std::vector<std::string> streamed;
  const auto report = gen::shapes::evaluate_video_adherence(shapes_video_plugin(), s, [&](const auto& row) {
    streamed.push_back(row.sampler + "/" + std::to_string(row.steps));
  });
  EXPECT_EQ(report.plugin, "shapes_video");
  EXPECT_EQ(streamed, (std::vector<std::string>{"real clips/0", "ddim/2", "euler/2"}));
  for (const auto& row : report.rows) {
    SCOPED_TRACE(row.sampler);
    EXPECT_EQ(row.result.clips, 8);
    EXPECT_GE(row.result.motion, 7.0 / 8);
    EXPECT_GE(row.result.color_and_shape, 0.97);
    EXPECT_GE(row.result.consistent, 7.0 / 8);
    EXPECT_LT(row.result.flicker, 1.0);
    ASSERT_TRUE(row.result.frechet.has_value());
  }
  const auto j = report.to_json();
  EXPECT_EQ(j["runs"].size(), 3u);
  EXPECT_EQ(j["runs"][0]["sampler"], "real clips");
  EXPECT_EQ(j["runs"][2]["clips"], 8);
  EXPECT_EQ(j["frames"], 0);
  EXPECT_TRUE(fs::exists(dir / "clips" / "train-real_clips-0-007.gif"));
  EXPECT_TRUE(fs::exists(dir / "clips" / "train-euler-2-000.gif"));
}

TEST(VideoEvaluation, AStillModelMissesTheMotionAndAJumbledOneTheConsistency) {
  gen::test::TempDir dir;
  const auto registry = shapes_video_plugin();
  auto s = small_run(dir, "oracle");
  const auto oracle = gen::shapes::evaluate_video_adherence(registry, s).rows.at(0).result;
  s.model = "still";
  const auto still = gen::shapes::evaluate_video_adherence(registry, s).rows.at(0).result;
  s.model = "jumble";
  const auto jumble = gen::shapes::evaluate_video_adherence(registry, s).rows.at(0).result;
  std::printf("oracle: motion %.2f consistent %.2f flicker %.2f FD %.3f\n", oracle.motion, oracle.consistent,
              oracle.flicker, *oracle.frechet);
  std::printf("still:  motion %.2f consistent %.2f flicker %.2f FD %.3f\n", still.motion, still.consistent,
              still.flicker, *still.frechet);
  std::printf("jumble: motion %.2f consistent %.2f flicker %.2f FD %.3f\n", jumble.motion, jumble.consistent,
              jumble.flicker, *jumble.frechet);
  EXPECT_LE(still.motion, 0.2);
  EXPECT_LE(jumble.consistent, 0.2);
  EXPECT_GT(jumble.flicker, 10 * std::max(oracle.flicker, 0.5));
  EXPECT_GT(*still.frechet, 2 * *oracle.frechet);
  EXPECT_GT(*jumble.frechet, 2 * *oracle.frechet);
  // The report names what each failing clip got wrong.
  const auto j = still.to_json();
  ASSERT_FALSE(j["failures"].empty());
  EXPECT_EQ(j["failures"][0]["missed"][0], "motion");
  EXPECT_EQ(j["failures"][0]["found"]["motion"], "none");
}

TEST(VideoEvaluation, RealClipsAloneNeedNoModel) {
  gen::test::TempDir dir;
  auto s = small_run(dir, "");
  s.generate = false, s.baselines = true, s.splits = {"train", "heldout"}, s.count = 6;
  const auto report = gen::shapes::evaluate_video_adherence(gen::PluginRegistry{}, s);
  ASSERT_EQ(report.rows.size(), 2u);
  EXPECT_EQ(report.rows[1].split, "heldout");
  EXPECT_EQ(report.plugin, "");
  // Without a model and without --baselines there is nothing to do; with a model
  // asked for and none installed, the registry says so.
  s.baselines = false;
  EXPECT_THROW(gen::shapes::evaluate_video_adherence(gen::PluginRegistry{}, s), gen::UsageError);
  s.generate = true;
  EXPECT_THROW(gen::shapes::evaluate_video_adherence(gen::PluginRegistry{}, s), gen::ModelError);
}

TEST(VideoEvaluation, TheSameSeedGivesTheSameReportAndBadCountsAreUsageErrors) {
  gen::test::TempDir dir;
  const auto registry = shapes_video_plugin();
  auto s = small_run(dir, "oracle");
  s.count = 3;
  EXPECT_EQ(gen::shapes::evaluate_video_adherence(registry, s).to_json(),
            gen::shapes::evaluate_video_adherence(registry, s).to_json());
  s.count = 9;
  EXPECT_THROW(gen::shapes::evaluate_video_adherence(registry, s), gen::UsageError);
}

}  // namespace
