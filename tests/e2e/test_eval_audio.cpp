// gen eval audio end to end: training judges into a folder, the reference rows without a
// model, a tiny random-weight AudioLDM folder driven through the audio plugin (with its
// vocoder measured by resynthesis), and one clear error line with the right exit code.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_util.h"
#include "tiny_checkpoint.h"

namespace {

namespace fs = std::filesystem;
using gen::test::run_gen;
using nlohmann::json;

// A small dataset and judges trained on it for a few steps, shared by the tests.
struct Fixture {
  gen::test::TempDir dir;
  std::string data = (dir / "data").string(), judges = (dir / "judges").string();
  gen::test::CommandResult training;
  Fixture() {
    const auto r = run_gen({"data", "audio", "-o", data, "--train", "20", "--heldout", "10", "--seconds", "2", "-s", "3", "-q"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    training = run_gen({"eval", "audio", "-d", data, "--train-judges", judges, "--judge-steps", "3", "--judge-validation", "4",
                        "-s", "2", "-o", (dir / "training.json").string(), "-q"});
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

TEST(EvalAudio, TrainsJudgesIntoAFolder) {
  auto& f = fixture();
  ASSERT_EQ(f.training.exit_code, 0) << f.training.err;
  EXPECT_EQ(gen::test::nonempty_lines(f.training.out).size(), 2u + 2u + 1u) << f.training.out;  // table, folder
  EXPECT_TRUE(fs::exists(fs::path(f.judges) / "judges.safetensors"));
  const auto training = json::parse(gen::test::read_text(f.dir / "training.json"));
  EXPECT_EQ(training["clips"], 30);
  ASSERT_EQ(training["validation"].size(), 2u);
  EXPECT_EQ(training["validation"][1]["split"], "heldout");
  EXPECT_EQ(training["validation"][0]["clips"], 4);
}

TEST(EvalAudio, RealClipsAloneNeedNoModel) {
  auto& f = fixture();
  const auto report = (f.dir / "real.json").string();
  const auto r = run_gen({"eval", "audio", "-d", f.data, "--judges", f.judges, "--count", "8", "--real-only", "--baselines",
                          "-o", report, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(gen::test::nonempty_lines(r.out).size(), 2u + 6u) << r.out;
  const auto j = json::parse(gen::test::read_text(report));
  EXPECT_EQ(j["plugin"], "");
  EXPECT_TRUE(j["vocoder"].is_null());
  ASSERT_EQ(j["runs"].size(), 6u);
  EXPECT_EQ(j["runs"][0]["sampler"], "real clips");
  EXPECT_EQ(j["runs"][1]["sampler"], "silence");
  EXPECT_EQ(j["runs"][2]["sampler"], "mismatched real");
  EXPECT_EQ(j["runs"][5]["split"], "heldout");
  // YIN and the envelope need no training: real clips read right, silence does not.
  for (int row : {0, 3}) {
    EXPECT_DOUBLE_EQ(j["runs"][row]["pitch"]["accuracy"].get<double>(), 1.0) << row;
    EXPECT_GE(j["runs"][row]["onset"]["accuracy"].get<double>(), 0.85) << row;
  }
  EXPECT_DOUBLE_EQ(j["runs"][1]["onset"]["accuracy"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(j["runs"][1]["pitch"]["accuracy"].get<double>(), 0.0);
  EXPECT_GT(j["runs"][1]["fd"].get<double>(), j["runs"][0]["fd"].get<double>());
}

TEST(EvalAudio, GeneratesThroughTheAudioPluginAndMeasuresItsVocoder) {
  auto& f = fixture();
  const auto model = f.dir / "tiny-audioldm";
  if (!fs::exists(model)) gen::test::write_tiny_audioldm(model);
  const auto report = (f.dir / "model.json").string();
  const auto r = run_gen({"eval", "audio", "-m", model.string(), "-d", f.data, "--judges", f.judges, "--count", "3",
                          "--splits", "train", "--steps", "2", "--vocoder-clips", "2", "-o", report, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = json::parse(gen::test::read_text(report));
  EXPECT_EQ(j["plugin"], "audio_spectrogram");
  // real clips, the model, then the first 2 real clips through each vocoder and through
  // the VAE and Griffin-Lim.
  ASSERT_EQ(j["runs"].size(), 5u);
  const auto& row = j["runs"][1];
  EXPECT_EQ(row["sampler"], "ddim");
  EXPECT_EQ(row["steps"], 2);
  EXPECT_EQ(row["clips"], 3);
  EXPECT_GT(row["seconds_per_clip"].get<double>(), 0.0);
  EXPECT_TRUE(row["fd"].is_number());
  ASSERT_TRUE(j["vocoder"].is_object());
  EXPECT_EQ(j["vocoder"]["clips"], 2);
  // An untrained HiFi-GAN is far from the real clip; Griffin-Lim needs no training.
  EXPECT_GT(j["vocoder"]["hifigan_log_mel_l1"].get<double>(), j["vocoder"]["griffin_lim_log_mel_l1"].get<double>());
  EXPECT_NE(r.out.find("vocoder resynthesis of 2 real clips"), std::string::npos) << r.out;
  EXPECT_EQ(j["runs"][2]["sampler"], "resynthesised (hifigan)");
  EXPECT_EQ(j["runs"][3]["sampler"], "resynthesised (griffin-lim)");
  EXPECT_EQ(j["runs"][4]["sampler"], "resynthesised (vae + griffin-lim)");
  for (int i : {2, 3, 4}) {
    EXPECT_EQ(j["runs"][i]["clips"], 2) << i;
    EXPECT_EQ(j["runs"][i]["steps"], 0) << i;
    EXPECT_TRUE(j["runs"][i]["class"]["accuracy"].is_number()) << i;
  }
}

TEST(EvalAudio, BadInputIsOneLineWithTheRightExitCode) {
  auto& f = fixture();
  // Not a judge folder, not a dataset: bad input.
  gen::test::expect_one_error_line(run_gen({"eval", "audio", "-d", f.data, "--judges", f.data, "--real-only"}), 3, "judge");
  gen::test::expect_one_error_line(run_gen({"eval", "audio", "-d", f.judges, "--judges", f.judges, "--real-only"}), 3, "");
  // More captions than the split holds, an unknown split, a training option without training: usage.
  gen::test::expect_one_error_line(
      run_gen({"eval", "audio", "-d", f.data, "--judges", f.judges, "--count", "11", "--splits", "heldout", "--real-only"}), 2,
      "--count");
  EXPECT_EQ(run_gen({"eval", "audio", "-d", f.data, "--splits", "validation"}).exit_code, 2);
  EXPECT_EQ(run_gen({"eval", "audio", "-d", f.data, "--judge-steps", "3"}).exit_code, 2);
  // No audio model by that name.
  EXPECT_EQ(run_gen({"eval", "audio", "-m", "nothing", "-d", f.data, "--judges", f.judges, "--count", "2"},
                    {"GEN_PLUGIN_PATH=" + f.dir.path().string()})
                .exit_code,
            4);
}

}  // namespace
