// The shapes-world evaluation as a library call (what `gen eval image` prints): one row
// per split x sampler x steps, handed out as it is scored, reproducible for a seed, and
// the scored images saved under names that say which row they belong to.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/registry.h>
#include <gen/shapes/model_evaluation.h>
#include <gen/shapes/shapes_dataset.h>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;

gen::PluginRegistry plugins() {
  gen::PluginRegistry registry;
  registry.discover({GEN_PLUGIN_DIR});
  return registry;
}

gen::shapes::EvaluationSettings small_run(const gen::test::TempDir& dir) {
  gen::shapes::ShapesDatasetOptions data;
  data.train_count = 3, data.heldout_count = 3, data.seed = 2;
  gen::shapes::write_shapes_dataset(dir / "data", data, {});
  gen::shapes::EvaluationSettings s;
  s.model = "template:gmm2d";  // an analytic model: no weights, a fraction of a second per image
  s.data = dir / "data";
  s.splits = {"heldout"};
  s.samplers = {"ddim", "euler"};
  s.steps = {2, 3};
  s.count = 3;
  return s;
}

TEST(ModelEvaluation, ReportsEveryConfigurationAsItIsScored) {
  gen::test::TempDir dir;
  auto settings = small_run(dir);
  settings.save_images = dir / "images";
  std::vector<std::string> streamed;
  const auto report = gen::shapes::evaluate_prompt_adherence(plugins(), settings, [&](const auto& row) {
    streamed.push_back(row.sampler + "/" + std::to_string(row.steps));
  });
  EXPECT_EQ(report.plugin, "template");
  ASSERT_EQ(report.rows.size(), 4u);
  EXPECT_EQ(streamed, (std::vector<std::string>{"ddim/2", "ddim/3", "euler/2", "euler/3"}));
  for (const auto& row : report.rows) {
    EXPECT_EQ(row.split, "heldout");
    EXPECT_EQ(row.result.images, 3);
    EXPECT_EQ(row.result.verdicts.size(), 3u);
  }
  const auto j = report.to_json();
  EXPECT_EQ(j["runs"].size(), 4u);
  EXPECT_EQ(j["runs"][2]["sampler"], "euler");
  EXPECT_EQ(j["count"], 3);
  EXPECT_TRUE(fs::exists(dir / "images" / "heldout-euler-3-002.png"));
}

TEST(ModelEvaluation, TheSameSeedGivesTheSameReport) {
  gen::test::TempDir dir;
  auto settings = small_run(dir);
  settings.samplers = {"euler"};
  settings.steps = {2};
  const auto registry = plugins();
  const auto first = gen::shapes::evaluate_prompt_adherence(registry, settings).to_json();
  EXPECT_EQ(gen::shapes::evaluate_prompt_adherence(registry, settings).to_json(), first);
}

TEST(ModelEvaluation, ACountBeyondTheSplitIsAUsageError) {
  gen::test::TempDir dir;
  auto settings = small_run(dir);
  settings.count = 4;
  EXPECT_THROW(gen::shapes::evaluate_prompt_adherence(plugins(), settings), gen::UsageError);
}

}  // namespace
