// gen eval image end to end: a table row per split x sampler x steps, a JSON report,
// and one clear error line for bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace {

using gen::test::run_gen;

TEST(EvalImage, ReportsEveryConfigurationAndWritesJson) {
  gen::test::TempDir dir;
  auto data = (dir / "data").string();
  ASSERT_EQ(run_gen({"data", "image", "-o", data, "--train", "4", "--heldout", "4", "-q"}).exit_code, 0);
  auto report = (dir / "report.json").string();
  auto r = run_gen({"eval", "image", "-m", "gmm2d", "--data", data, "--count", "2", "--samplers", "ddim,euler",
                    "--steps", "2,3", "--splits", "heldout", "-o", report, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(gen::test::nonempty_lines(r.out).size(), 2u + 4u) << r.out;
  auto j = nlohmann::json::parse(gen::test::read_text(report));
  ASSERT_EQ(j["runs"].size(), 4u);
  EXPECT_EQ(j["runs"][0]["images"], 2);
  EXPECT_EQ(j["runs"][3]["sampler"], "euler");
}

TEST(EvalImage, BadInputIsOneLineWithTheRightExitCode) {
  gen::test::TempDir dir;
  auto r = run_gen({"eval", "image", "-m", "gmm2d", "--data", dir.path().string(), "--count", "2"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(gen::test::nonempty_lines(r.err).size(), 1u) << r.err;
  r = run_gen({"eval", "image", "--data", "/nonexistent/dir"});
  EXPECT_EQ(r.exit_code, 2);
  r = run_gen({"eval", "image", "-m", "gmm2d", "--data", dir.path().string(), "--splits", "validation"});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
