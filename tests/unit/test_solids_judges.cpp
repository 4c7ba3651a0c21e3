// The 3D judges, checked without any generator: a briefly trained PointNet and the
// geometric readers read fresh real clouds of both splits back (shape, colour, size,
// aspect), read back what the F16 files hold, and refuse broken judge folders.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <gen/error.h>
#include <gen/solids/solid_judges.h>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using namespace gen::solids;

// A small training run (seconds): the full one (assets/judge-3d) is docs/model-zoo.md's.
const fs::path& small_judges() {
  static gen::test::TempDir dir;
  static const fs::path path = [] {
    SolidJudgeTrainingOptions o;
    o.output = dir / "judges";
    o.seed = 3;
    o.pool = 700;
    o.points = 256;
    o.steps = 800;
    o.batch = 16;
    o.validation = 20;
    train_solid_judges(o);
    return o.output;
  }();
  return path;
}

TEST(SolidsJudges, ReadFreshRealCloudsOfBothSplits) {
  const auto judges = SolidJudges::load(small_judges());
  for (const Split split : {Split::train, Split::heldout}) {
    const auto fresh = fresh_solids(split, 60, 256, 99);
    const auto readings = judges.read(fresh.clouds);
    const auto s = score_readings(fresh.specs, readings);
    for (size_t i = 0; i < readings.size(); ++i)  // what was misread, for the failure message
      if (readings[i].shape != fresh.specs[i].shape || readings[i].size != fresh.specs[i].size ||
          readings[i].aspect != fresh.specs[i].aspect)
        std::printf("  %s %s %s read as %s %s %s\n", fresh.specs[i].size.c_str(), fresh.specs[i].aspect.c_str(),
                    fresh.specs[i].shape.c_str(), readings[i].size.c_str(), readings[i].aspect.c_str(),
                    readings[i].shape.c_str());
    std::printf("%s: shape %.3f colour %.3f size %.3f aspect %.3f\n", split_name(split).c_str(), s.shape, s.color, s.size,
                s.aspect);
    EXPECT_GE(s.shape, 0.8) << split_name(split);
    EXPECT_DOUBLE_EQ(s.color, 1.0) << split_name(split);
    EXPECT_GE(s.size, 0.95) << split_name(split);
    EXPECT_GE(s.aspect, s.shape - 0.05) << split_name(split);  // counted only where the shape was read right
  }
  const auto config = judges.config();
  ASSERT_EQ(config["validation"].size(), 2u);
  EXPECT_EQ(config["training"]["steps"], 800);
}

TEST(SolidsJudges, ColourAndSizeFollowTheCloudNotTheLabels) {
  const auto judges = SolidJudges::load(small_judges());
  auto fresh = fresh_solids(Split::train, 4, 256, 5);
  for (auto& c : fresh.clouds) {
    c.rgb = torch::zeros_like(c.rgb);  // black
    c.rgb.select(1, 2).fill_(1.0f);    // pure blue is nearest "blue"
    c.xyz = c.xyz * (1.1f / 0.8f) * 2;  // far larger than "large"
  }
  for (const auto& r : judges.read(fresh.clouds)) {
    EXPECT_EQ(r.color, "blue");
    EXPECT_EQ(r.size, "large");
  }
  fresh.clouds[0].rgb = torch::Tensor();
  EXPECT_EQ(judges.read({fresh.clouds[0]})[0].color, "");
  fresh.clouds[1].xyz[0][0] = NAN;
  EXPECT_THROW(judges.read({fresh.clouds[1]}), gen::InputError);
}

TEST(SolidsJudges, RefuseBrokenFolders) {
  gen::test::TempDir dir;
  EXPECT_THROW(SolidJudges::load(dir.path()), gen::InputError);
  fs::copy(small_judges(), dir / "j");
  auto config = nlohmann::json::parse(gen::test::read_text(dir / "j" / "config.json"));
  config["architecture"]["shapes"][0] = "teapot";
  gen::test::write_text(dir / "j" / "config.json", config.dump());
  EXPECT_THROW(SolidJudges::load(dir / "j"), gen::InputError);
  config["architecture"]["shapes"][0] = "cube";
  config["architecture"]["hidden"] = 64;  // the weights hold 128
  gen::test::write_text(dir / "j" / "config.json", config.dump());
  EXPECT_THROW(SolidJudges::load(dir / "j"), gen::InputError);
  SolidJudgeTrainingOptions bad;
  bad.output = dir / "x";
  bad.steps = 0;
  EXPECT_THROW(train_solid_judges(bad), gen::UsageError);
}

}  // namespace

namespace {

// The shipped judges (assets/judge-3d) on fresh real clouds at the dataset's density.
TEST(SolidsJudges, ShippedJudgesReadFreshRealClouds) {
  const auto judges = SolidJudges::load(fs::path(GEN_SOURCE_DIR) / "assets" / "judge-3d");
  for (const Split split : {Split::train, Split::heldout}) {
    const auto fresh = fresh_solids(split, 100, 1024, 123);
    const auto s = score_readings(fresh.specs, judges.read(fresh.clouds));
    EXPECT_GE(s.shape, 0.97) << split_name(split);
    EXPECT_DOUBLE_EQ(s.color, 1.0) << split_name(split);
    EXPECT_GE(s.size, 0.97) << split_name(split);
    EXPECT_GE(s.aspect, 0.95) << split_name(split);
  }
}

}  // namespace

namespace {

// How the shipped judges read real clouds whose points are pushed off the surface by
// Gaussian noise of standard deviation sigma (in the world's units: solids are 0.5 to
// 1.1 across): generated clouds are fuzzier than the judges' training clouds (at most 3%
// jitter), and a judge that misread fuzz would blame the generator for it. Measured on
// 2026-12-04 (these 200 clouds): shape 1.000 / 0.990 / 0.905 / 0.725 at sigma 0 / 0.01 /
// 0.02 / 0.04, colour 1.000 throughout. So shape readings of clouds fuzzier than ~0.02
// understate the generator (docs/3d.md); the bounds keep that tolerance from shrinking.
TEST(SolidsJudges, ShippedJudgesToleratePointsOffTheSurface) {
  const auto judges = SolidJudges::load(fs::path(GEN_SOURCE_DIR) / "assets" / "judge-3d");
  auto fresh = fresh_solids(Split::train, 200, 1024, 321);
  torch::manual_seed(5);
  const std::vector<std::pair<double, double>> least_shape{{0.0, 0.97}, {0.01, 0.95}, {0.02, 0.85}, {0.04, 0.6}};
  for (const auto& [sigma, least] : least_shape) {
    std::vector<gen::shape3d::PointCloud> noisy;
    for (const auto& c : fresh.clouds) noisy.push_back({c.xyz + sigma * torch::randn_like(c.xyz), c.rgb, c.normals});
    const auto s = score_readings(fresh.specs, judges.read(noisy));
    std::printf("sigma %.2f: shape %.3f colour %.3f size %.3f aspect %.3f\n", sigma, s.shape, s.color, s.size, s.aspect);
    EXPECT_GE(s.shape, least) << "sigma " << sigma;
    EXPECT_DOUBLE_EQ(s.color, 1.0) << "sigma " << sigma;
  }
}

}  // namespace
