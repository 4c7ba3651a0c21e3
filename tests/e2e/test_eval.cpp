// gen eval image|video end to end: a table row per split x sampler x steps, a JSON
// report, and one clear error line for bad input.
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

TEST(EvalImage, TwoLevelCommandsReadAConfigFileAndTheCommandLineWins) {
  gen::test::TempDir dir;
  auto data = (dir / "data").string();
  ASSERT_EQ(run_gen({"data", "image", "-o", data, "--train", "2", "--heldout", "2", "-q"}).exit_code, 0);
  gen::test::write_text(dir / "eval.yaml", "model: gmm2d\ndata: " + data +
                                               "\ncount: 2\nsamplers: ddim\nsteps: 2\nsplits: train\n");
  auto report = (dir / "report.json").string();
  auto r = run_gen({"eval", "image", "--config", (dir / "eval.yaml").string(), "--steps", "3", "-o", report, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(gen::test::read_text(report));
  ASSERT_EQ(j["runs"].size(), 1u);
  EXPECT_EQ(j["runs"][0]["steps"], 3);
  EXPECT_EQ(j["runs"][0]["split"], "train");
}

TEST(EvalImage, BaselinesScoreTheRealImagesAndTheAutoencoderRoundTrip) {
  gen::test::TempDir dir;
  auto data = (dir / "data").string();
  ASSERT_EQ(run_gen({"data", "image", "-o", data, "--train", "3", "--heldout", "3", "-s", "5", "-q"}).exit_code, 0);
  auto report = (dir / "report.json").string();
  auto images = dir / "images";
  auto r = run_gen({"eval", "image", "--data", data, "--count", "3", "--samplers", "ddim", "--steps", "2", "--splits",
                    "train", "--baselines", "--save-images", images.string(), "-o", report, "-q", "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(gen::test::read_text(report));
  ASSERT_EQ(j["runs"].size(), 3u);
  EXPECT_EQ(j["runs"][0]["sampler"], "real images");
  EXPECT_EQ(j["runs"][0]["color_and_shape"], 1.0);  // the analyser reads its own renders
  EXPECT_EQ(j["runs"][1]["sampler"], "autoencoder");
  EXPECT_EQ(j["runs"][1]["images"], 3);
  EXPECT_EQ(j["runs"][2]["sampler"], "ddim");
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(images)) files += e.path().extension() == ".png";
  EXPECT_EQ(files, 9);
  EXPECT_TRUE(std::filesystem::exists(images / "train-autoencoder-1-002.png"));
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

// A video plugin that draws the captions (tests/plugins/shapes_video.cpp), in a
// folder of its own for GEN_PLUGIN_PATH.
std::vector<std::string> video_plugin_env(const gen::test::TempDir& dir) {
  std::filesystem::create_directories(dir / "plugins");
  std::filesystem::copy_file(std::filesystem::path(GEN_TEST_PLUGIN_DIR) / "libtest_plugin_shapes_video.so",
                             dir / "plugins" / "libtest_plugin_shapes_video.so");
  return {"GEN_PLUGIN_PATH=" + (dir / "plugins").string()};
}

TEST(EvalVideo, RealClipsAloneScoreTheAnalyserWithoutAModel) {
  gen::test::TempDir dir;
  auto data = (dir / "data").string();
  auto r = run_gen({"data", "video", "-o", data, "--train", "6", "--heldout", "4", "--frames", "8", "-s", "2", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, data + "\n");
  auto report = (dir / "report.json").string();
  r = run_gen({"eval", "video", "--data", data, "--count", "4", "--real-only", "-o", report, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(gen::test::nonempty_lines(r.out).size(), 2u + 2u) << r.out;
  auto j = nlohmann::json::parse(gen::test::read_text(report));
  ASSERT_EQ(j["runs"].size(), 2u);
  EXPECT_EQ(j["runs"][0]["sampler"], "real clips");
  EXPECT_EQ(j["runs"][1]["split"], "heldout");
  EXPECT_EQ(j["runs"][0]["clips"], 4);
  EXPECT_EQ(j["runs"][0]["motion"], 1.0);
  EXPECT_EQ(j["runs"][0]["color_and_shape"], 1.0);
}

TEST(EvalVideo, GeneratesThroughTheVideoPluginPerSamplerAndSteps) {
  gen::test::TempDir dir;
  auto data = (dir / "data").string();
  ASSERT_EQ(run_gen({"data", "video", "-o", data, "--train", "3", "--heldout", "3", "--frames", "8", "-q"}).exit_code, 0);
  auto report = (dir / "report.json").string();
  const auto env = video_plugin_env(dir);
  auto r = run_gen({"eval", "video", "-m", "oracle", "--data", data, "--count", "3", "--samplers", "ddim,euler", "--steps",
                    "2,3", "--splits", "heldout", "--baselines", "--save-clips", (dir / "clips").string(), "-o", report, "-q"},
                   env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(gen::test::nonempty_lines(r.out).size(), 2u + 5u) << r.out;
  auto j = nlohmann::json::parse(gen::test::read_text(report));
  EXPECT_EQ(j["plugin"], "shapes_video");
  ASSERT_EQ(j["runs"].size(), 5u);
  EXPECT_EQ(j["runs"][4]["sampler"], "euler");
  EXPECT_EQ(j["runs"][4]["steps"], 3);
  EXPECT_TRUE(std::filesystem::exists(dir / "clips" / "heldout-ddim-3-002.gif"));
  EXPECT_TRUE(j["options"].empty());
  // -O goes to the plugin on every clip, checked against what it declares.
  gen::test::expect_one_error_line(run_gen({"eval", "video", "-m", "oracle", "--data", data, "--count", "1", "--splits",
                                            "heldout", "-O", "no_such_option=1", "-o", report, "-q"},
                                           env),
                                   2, "no_such_option");
}

TEST(EvalVideo, BadInputIsOneLineWithTheRightExitCode) {
  gen::test::TempDir dir;
  gen::test::expect_one_error_line(run_gen({"eval", "video", "--data", dir.path().string(), "--real-only"}), 3,
                                   "no motion dataset split 'train'");
  auto data = (dir / "data").string();
  ASSERT_EQ(run_gen({"data", "video", "-o", data, "--train", "2", "--heldout", "1", "--frames", "4", "-q"}).exit_code, 0);
  // A model no plugin has (today no video plugin is built at all).
  gen::test::expect_one_error_line(run_gen({"eval", "video", "-m", "no_such_model", "--data", data, "--count", "1"}), 4,
                                   "video");
  gen::test::expect_one_error_line(run_gen({"eval", "video", "--data", data, "--count", "3", "--real-only"}), 2,
                                   "--count must be in 1..2");
  EXPECT_EQ(run_gen({"data", "video", "-o", data, "--frames", "1"}).exit_code, 2);
  EXPECT_EQ(run_gen({"eval", "video", "--data", data, "--splits", "validation", "--real-only"}).exit_code, 2);
}

}  // namespace
