// gen data 3d and gen eval 3d from the command line: a small solids dataset read back by
// the shipped judges on real clouds, and the errors a user meets (exit code, one line).
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using gen::test::run_gen;

TEST(Eval3d, ShippedJudgesReadARealDataset) {
  gen::test::TempDir dir;
  const auto data = (dir / "solids").string();
  auto made = run_gen({"data", "3d", "-o", data, "--train", "24", "--heldout", "12", "--points", "512", "-s", "5", "-q"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_EQ(fs::path(gen::test::nonempty_lines(made.out).back()), fs::path(data));
  const auto report = (dir / "real.json").string();
  auto r = run_gen({"eval", "3d", "-d", data, "--real-only", "-o", report, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto runs = nlohmann::json::parse(gen::test::read_text(report))["runs"];
  ASSERT_EQ(runs.size(), 2u);
  for (const auto& row : runs) {
    EXPECT_GE(row["shape"].get<double>(), 0.9) << row.dump();
    EXPECT_EQ(row["color"].get<double>(), 1.0) << row.dump();
    EXPECT_GE(row["size"].get<double>(), 0.9) << row.dump();
    EXPECT_GT(row["nna"].get<double>(), 0.0) << row.dump();
    EXPECT_LT(row["nna"].get<double>(), 0.9) << "two halves of one real split must not be told apart: " << row.dump();
  }
}

TEST(Eval3d, ErrorsAreOneLineWithTheRightExitCode) {
  gen::test::TempDir dir;
  gen::test::expect_one_error_line(run_gen({"data", "3d", "-o", (dir / "d").string(), "--points", "8"}), 2, "--points");
  gen::test::write_text(dir / "mine.txt", "not a dataset");
  gen::test::expect_one_error_line(run_gen({"data", "3d", "-o", dir.path().string(), "--train", "2"}), 2,
                                   "not an earlier solids dataset");
  ASSERT_EQ(run_gen({"data", "3d", "-o", (dir / "d").string(), "--train", "4", "--heldout", "0", "-q"}).exit_code, 0);
  gen::test::expect_one_error_line(run_gen({"eval", "3d"}), 2, "-d");
  gen::test::expect_one_error_line(run_gen({"eval", "3d", "-d", (dir / "d").string(), "-m", (dir / "no-model").string()}),
                                   4, "no-model");
  fs::create_directories(dir / "judges");
  gen::test::write_text(dir / "judges" / "config.json", "{\"architecture\": 3}");
  gen::test::expect_one_error_line(
      run_gen({"eval", "3d", "-d", (dir / "d").string(), "--real-only", "--judges", (dir / "judges").string()}), 3,
      "architecture");
  gen::test::write_text(dir / "d" / "solids.jsonl", "{\"file\": \"../../etc/passwd\"}\n");
  gen::test::expect_one_error_line(run_gen({"eval", "3d", "-d", (dir / "d").string(), "--real-only"}), 3, "solids.jsonl");
}

}  // namespace
