// The motion judges trained from scratch on a small humans dataset (as `gen eval motion
// --train-judges` does, with few steps so the test stays short): they learn to read
// fresh real motions, the same seed gives the same weights, and what they measure moves
// the right way — static and scrambled motions read wrong, real text-motion pairs beat
// shuffled ones, FID is zero for a set against itself and far for a static pose, a
// sliding body skates.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/humans/judge_training.h>
#include <gen/humans/labelled_motion.h>
#include <gen/humans/motion_dataset.h>
#include <gen/humans/motion_evaluation.h>
#include <gen/humans/motion_judges.h>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using namespace gen::humans;

class MotionJudgesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new gen::test::TempDir;
    MotionDatasetOptions data;
    data.train_count = 400, data.heldout_count = 100, data.seed = 7, data.captions = 3, data.examples = 0;
    write_motion_dataset(*dir_ / "data", data, {});
    JudgeTrainingOptions o;
    o.data = *dir_ / "data", o.output = *dir_ / "judges", o.seed = 3, o.steps = 300, o.batch = 32, o.validation = 96;
    report_ = new JudgeTrainingReport(train_motion_judges(o));
    judges_ = new MotionJudges(MotionJudges::load(o.output));
    real_ = new std::vector<LabelledMotion>(fresh_motions(false, 64, 11));
  }
  static void TearDownTestSuite() {
    delete real_, delete judges_, delete report_, delete dir_;
  }
  static std::vector<gen::motion::Motion> motions_of(const std::vector<LabelledMotion>& m) {
    std::vector<gen::motion::Motion> out;
    for (const auto& x : m) out.push_back(x.motion);
    return out;
  }
  static MotionScores score(const std::vector<gen::motion::Motion>& motions) {
    return score_motions(*judges_, *real_, motions, {}, judges_->embed_motions(motions_of(*real_)));
  }

  static gen::test::TempDir* dir_;
  static JudgeTrainingReport* report_;
  static MotionJudges* judges_;
  static std::vector<LabelledMotion>* real_;
};

gen::test::TempDir* MotionJudgesTest::dir_ = nullptr;
JudgeTrainingReport* MotionJudgesTest::report_ = nullptr;
MotionJudges* MotionJudgesTest::judges_ = nullptr;
std::vector<LabelledMotion>* MotionJudgesTest::real_ = nullptr;

TEST_F(MotionJudgesTest, TrainingReachesASaneAccuracyOnFreshRealMotions) {
  ASSERT_EQ(report_->validation.size(), 2u);
  for (const auto& v : report_->validation) {
    std::printf("%s: %s\n", v.split.c_str(), v.to_json().dump().c_str());
    EXPECT_EQ(v.readings.motions, 96);
    EXPECT_GE(v.readings.action_accuracy(), 0.6) << v.split;
    EXPECT_GE(v.r_precision.top3, 0.6) << v.split;
  }
  EXPECT_EQ(report_->motions, 500);
  EXPECT_GT(report_->parameters, 100000);
  // The folder records how it was made and how well it reads.
  const auto& config = judges_->config();
  EXPECT_EQ(config["training"]["steps"], 300);
  EXPECT_EQ(config["validation"][0]["motions"], 96);
  EXPECT_LT(fs::file_size(*dir_ / "judges" / "judges.safetensors"), 3u << 20);
}

TEST_F(MotionJudgesTest, TheSameSeedGivesTheSameJudges) {
  auto train = [&](const std::string& name, uint64_t seed) {
    JudgeTrainingOptions o;
    o.data = *dir_ / "data", o.output = *dir_ / name, o.seed = seed, o.steps = 3, o.batch = 8, o.validation = 4;
    train_motion_judges(o);
    return gen::test::read_text(*dir_ / name / "judges.safetensors");
  };
  const auto a = train("a", 5), b = train("b", 5), c = train("c", 6);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST_F(MotionJudgesTest, StaticAndScrambledMotionsReadWrong) {
  std::vector<gen::motion::Motion> real = motions_of(*real_), still = real, scrambled = real;
  torch::manual_seed(4);
  for (size_t i = 0; i < real.size(); ++i) {
    const auto p = real[i].positions;
    still[i].positions = p.narrow(0, 0, 1).expand_as(p).contiguous();
    scrambled[i].positions = p.index_select(0, torch::randperm(p.size(0), torch::kInt64));
  }
  const double ok = score(real).readings.action_accuracy();
  const double s = score(still).readings.action_accuracy(), x = score(scrambled).readings.action_accuracy();
  std::printf("actions: real %.3f static %.3f scrambled %.3f\n", ok, s, x);
  EXPECT_LT(s, ok - 0.4);
  EXPECT_LT(x, ok - 0.4);
}

TEST_F(MotionJudgesTest, RealTextMotionPairsBeatShuffledOnes) {
  const auto motions = judges_->embed_motions(motions_of(*real_));
  std::vector<std::string> captions, shifted;
  for (const auto& m : *real_) captions.push_back(m.captions[0]);
  // Each motion paired with another's caption (one of other actions, where it differs).
  for (size_t i = 0; i < captions.size(); ++i) shifted.push_back(captions[(i + 7) % captions.size()]);
  const auto real = r_precision(motions, judges_->embed_captions(captions), 1);
  const auto wrong = r_precision(motions, judges_->embed_captions(shifted), 1);
  std::printf("top-3: real %.3f shuffled %.3f\n", real.top3, wrong.top3);
  EXPECT_GT(real.top3, wrong.top3 + 0.3);
  EXPECT_GT(real.top1, wrong.top1);
}

TEST_F(MotionJudgesTest, FidIsZeroForASetAgainstItselfAndFarForAStaticPose) {
  const auto real = judges_->embed_motions(motions_of(*real_));
  EXPECT_NEAR(frechet_distance(real, real), 0, 1e-6);
  const auto others = judges_->embed_motions(motions_of(fresh_motions(false, 64, 12)));
  std::vector<gen::motion::Motion> still = motions_of(*real_);
  for (auto& m : still) m.positions = m.positions.narrow(0, 0, 1).expand_as(m.positions).contiguous();
  const double fresh = frechet_distance(others, real), frozen = frechet_distance(judges_->embed_motions(still), real);
  std::printf("FID: fresh real %.4f static %.4f\n", fresh, frozen);
  EXPECT_GT(frozen, 3 * fresh);
}

TEST_F(MotionJudgesTest, ASlidingBodySkatesWhereTheRealOneDoesNot) {
  auto sliding = motions_of(*real_);
  for (auto& m : sliding) {
    // The whole body drifts sideways at 1.2 m/s, feet and all.
    const auto drift = torch::arange(m.frame_count(), torch::kFloat32) * static_cast<float>(1.2 / m.fps);
    m.positions = m.positions.clone();
    m.positions.select(2, 0) += drift.unsqueeze(1);
  }
  const auto real = score(motions_of(*real_)), slid = score(sliding);
  EXPECT_LT(real.skating, 0.01);
  EXPECT_GT(slid.skating, real.skating + 0.2);
  EXPECT_NEAR(slid.penetration, real.penetration, 1e-6);  // sliding sinks nothing
}

TEST_F(MotionJudgesTest, AMissingOrBrokenJudgeFolderIsOneInputError) {
  EXPECT_THROW(MotionJudges::load(*dir_ / "nowhere"), gen::InputError);
  const auto broken = *dir_ / "broken";
  fs::create_directories(broken);
  fs::copy_file(*dir_ / "judges" / "config.json", broken / "config.json");
  EXPECT_THROW(MotionJudges::load(broken), gen::InputError);  // no weights
  gen::test::write_text(broken / "judges.safetensors", "not a safetensors file");
  EXPECT_THROW(MotionJudges::load(broken), gen::InputError);
  // Weights of another shape (a config that says the vocabulary is bigger).
  fs::copy_file(*dir_ / "judges" / "judges.safetensors", broken / "judges.safetensors", fs::copy_options::overwrite_existing);
  auto config = nlohmann::json::parse(gen::test::read_text(broken / "config.json"));
  config["words"].push_back("zzzz");
  config["architecture"]["vocabulary"] = config["architecture"]["vocabulary"].get<int>() + 1;
  gen::test::write_text(broken / "config.json", config.dump());
  EXPECT_THROW(MotionJudges::load(broken), gen::InputError);
  config["architecture"].erase("width");
  gen::test::write_text(broken / "config.json", config.dump());
  EXPECT_THROW(MotionJudges::load(broken), gen::InputError);
}

}  // namespace
