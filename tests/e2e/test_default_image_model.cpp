// The shipped default image model (assets/default-image) draws what its prompts ask
// for. Scenes from a dataset seed the model never saw (7; training used 1), DPM++ 2M at
// 25 steps, CFG 5, one thread (so the run is bit-reproducible); the pixel analyser reads
// colour, shape, count, position and background back. Version 4 here (session 8's
// analyser): train colour 0.975, colour+shape 0.975, count 1.0; held out colour+shape
// 0.925, count 1.0; position and background 1.0. The bounds sit a few images under
// that and over version 3 (0.88 / 0.81 colour+shape on 200 prompts), so a retrained
// model that is worse fails. The targets (0.90 / 0.70 at 200 prompts) are
// docs/model-zoo.md's business.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using gen::test::run_gen;

const fs::path kModel = fs::path(GEN_SOURCE_DIR) / "assets" / "default-image";

// The report's rows for 40 prompts of one split; `how` picks samplers, steps, baselines.
nlohmann::json evaluate(const gen::test::TempDir& dir, const std::string& split, std::vector<std::string> how = {}) {
  const auto data = (dir / "data").string();
  if (!fs::exists(data))
    EXPECT_EQ(run_gen({"data", "image", "-o", data, "--train", "40", "--heldout", "40", "-s", "7", "-q"}).exit_code, 0);
  const auto report = (dir / (split + ".json")).string();
  if (how.empty()) how = {"--samplers", "dpmpp_2m", "--steps", "25", "--cfg-scale", "5"};
  std::vector<std::string> args = {"eval", "image", "-m", kModel.string(), "--data", data, "--splits", split,
                                   "--count", "40", "--threads", "1", "-o", report, "-q"};
  args.insert(args.end(), how.begin(), how.end());
  auto r = run_gen(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(gen::test::read_text(report))["runs"];
}

TEST(DefaultImageModel, IsShipped) {
  EXPECT_TRUE(fs::exists(kModel / "model_index.json")) << kModel << " is missing: see docs/model-zoo.md";
}

TEST(DefaultImageModel, DrawsTheRequestedColourAndShape) {
  ASSERT_TRUE(fs::exists(kModel / "model_index.json"));
  gen::test::TempDir dir;
  const auto train = evaluate(dir, "train").at(0);
  EXPECT_GE(train["color"].get<double>(), 0.95) << train.dump();
  EXPECT_GE(train["color_and_shape"].get<double>(), 0.90) << train.dump();
  EXPECT_GE(train["count"].get<double>(), 0.90) << train.dump();
  EXPECT_GE(train["position"].get<double>(), 0.9) << train.dump();
  EXPECT_GE(train["background"].get<double>(), 0.95) << train.dump();
}

// The ceiling of everything above: the analyser on real scenes after a round trip
// through the shipped VAE. Version 1's VAE lost small shapes (0.575 here, first
// analyser); version 2's keeps all of them (1.0; 0.975 by the first analyser).
TEST(DefaultImageModel, AutoencoderKeepsColourAndShape) {
  ASSERT_TRUE(fs::exists(kModel / "model_index.json"));
  gen::test::TempDir dir;
  const auto runs = evaluate(dir, "train", {"--baselines", "--samplers", "ddim", "--steps", "1"});
  ASSERT_EQ(runs.at(1)["sampler"], "autoencoder");
  EXPECT_GE(runs.at(1)["color_and_shape"].get<double>(), 0.95) << runs.at(1).dump();
  EXPECT_GE(runs.at(1)["count"].get<double>(), 0.95) << runs.at(1).dump();
}

TEST(DefaultImageModel, ComposesColourShapePairsItNeverSaw) {
  ASSERT_TRUE(fs::exists(kModel / "model_index.json"));
  gen::test::TempDir dir;
  const auto heldout = evaluate(dir, "heldout").at(0);
  EXPECT_GE(heldout["color_and_shape"].get<double>(), 0.85) << heldout.dump();
  EXPECT_GE(heldout["count"].get<double>(), 0.90) << heldout.dump();
  EXPECT_GE(heldout["position"].get<double>(), 0.9) << heldout.dump();
  EXPECT_GE(heldout["background"].get<double>(), 0.95) << heldout.dump();
}

}  // namespace
