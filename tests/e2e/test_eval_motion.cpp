// gen eval motion end to end: the reference rows without a model, a model driven through
// a plugin (the motion_walk test plugin), training judges into a folder and evaluating
// with them, and one clear error line with the right exit code for bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using gen::test::run_gen;

std::string small_dataset(const gen::test::TempDir& dir) {
  const auto data = (dir / "data").string();
  const auto r = run_gen({"data", "motion", "-o", data, "--train", "40", "--heldout", "40", "-s", "3", "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return data;
}

// The motion_walk test plugin in a folder of its own, for GEN_PLUGIN_PATH.
std::vector<std::string> walk_plugin_env(const gen::test::TempDir& dir) {
  fs::create_directories(dir / "plugins");
  fs::copy_file(fs::path(GEN_TEST_PLUGIN_DIR) / "libtest_plugin_motion_walk.so", dir / "plugins" / "libtest_plugin_motion_walk.so");
  return {"GEN_PLUGIN_PATH=" + (dir / "plugins").string()};
}

TEST(EvalMotion, RealMotionsAloneNeedNoModel) {
  gen::test::TempDir dir;
  const auto data = small_dataset(dir);
  const auto report = (dir / "report.json").string();
  const auto r = run_gen({"eval", "motion", "-d", data, "--count", "32", "--real-only", "--baselines", "-o", report, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(gen::test::nonempty_lines(r.out).size(), 2u + 6u) << r.out;
  const auto j = nlohmann::json::parse(gen::test::read_text(report));
  ASSERT_EQ(j["runs"].size(), 6u);
  EXPECT_EQ(j["plugin"], "");
  EXPECT_EQ(j["runs"][0]["sampler"], "real motions");
  EXPECT_EQ(j["runs"][1]["sampler"], "static pose");
  EXPECT_EQ(j["runs"][5]["split"], "heldout");
  EXPECT_GE(j["runs"][0]["actions"].get<double>(), 0.9);
  EXPECT_LE(j["runs"][1]["actions"].get<double>(), 0.3);
}

TEST(EvalMotion, GeneratesThroughAMotionPlugin) {
  gen::test::TempDir dir;
  const auto data = small_dataset(dir);
  const auto report = (dir / "report.json").string();
  const auto r = run_gen({"eval", "motion", "-m", "walk", "-d", data, "--count", "8", "--splits", "heldout",
                          "--mm-prompts", "2", "--mm-repeats", "2", "-o", report, "-q"},
                         walk_plugin_env(dir));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(gen::test::nonempty_lines(r.out).size(), 2u + 2u) << r.out;
  const auto j = nlohmann::json::parse(gen::test::read_text(report));
  EXPECT_EQ(j["plugin"], "motion_walk");
  ASSERT_EQ(j["runs"].size(), 2u);
  EXPECT_EQ(j["runs"][1]["motions"], 8);
  EXPECT_EQ(j["runs"][1]["r_precision"]["batch"], 8);
  EXPECT_NEAR(j["runs"][1]["multimodality"].get<double>(), 0, 1e-6);  // one walk whatever the seed
}

TEST(EvalMotion, TrainsJudgesIntoAFolderThatEvaluationsThenUse) {
  gen::test::TempDir dir;
  const auto data = small_dataset(dir);
  const auto judges = (dir / "judges").string();
  auto r = run_gen({"eval", "motion", "-d", data, "--train-judges", judges, "--judge-steps", "4", "--judge-validation", "8",
                    "-s", "2", "-o", (dir / "training.json").string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(gen::test::nonempty_lines(r.out).size(), 2u + 2u + 1u) << r.out;  // table, folder
  EXPECT_TRUE(fs::exists(dir / "judges" / "judges.safetensors"));
  const auto training = nlohmann::json::parse(gen::test::read_text(dir / "training.json"));
  EXPECT_EQ(training["validation"][1]["split"], "heldout");
  r = run_gen({"eval", "motion", "-d", data, "--judges", judges, "--count", "4", "--splits", "train", "--real-only",
               "-o", (dir / "report.json").string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(gen::test::read_text(dir / "report.json"))["judges"], judges);
}

TEST(EvalMotion, BadInputIsOneLineWithTheRightExitCode) {
  gen::test::TempDir dir;
  const auto data = small_dataset(dir);
  // Not a judge folder: bad input.
  gen::test::expect_one_error_line(run_gen({"eval", "motion", "-d", data, "--judges", data, "--real-only"}), 3, "judge");
  // Not a dataset: bad input.
  gen::test::expect_one_error_line(run_gen({"eval", "motion", "-d", dir.path().string(), "--real-only"}), 3, "");
  // More captions than the split holds, an unknown split, a training option without training: usage.
  gen::test::expect_one_error_line(run_gen({"eval", "motion", "-d", data, "--count", "41", "--real-only"}), 2, "--count");
  EXPECT_EQ(run_gen({"eval", "motion", "-d", data, "--splits", "validation"}).exit_code, 2);
  EXPECT_EQ(run_gen({"eval", "motion", "-d", data, "--judge-steps", "3"}).exit_code, 2);
  // No motion model installed.
  EXPECT_EQ(run_gen({"eval", "motion", "-m", "nothing", "-d", data, "--count", "2"}, {"GEN_PLUGIN_PATH=" + dir.path().string()})
                .exit_code,
            4);
}

}  // namespace
