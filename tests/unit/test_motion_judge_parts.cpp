// The parts of the humans world's motion judges that need no training: the judges' own
// features (invariant to where a motion starts and which way it faces, and saying what
// the body does), the action labels, and the T2M metrics on embeddings whose answer is
// known.
#include <gtest/gtest.h>

#include <cmath>

#include <gen/error.h>
#include <gen/humans/action_labels.h>
#include <gen/humans/animator.h>
#include <gen/humans/judge_features.h>
#include <gen/humans/judge_metrics.h>
#include <gen/motion/skeleton.h>

namespace {

using namespace gen::humans;
namespace motion = gen::motion;

MotionSpec one(const std::string& action, const std::string& direction = "", const std::string& speed = "",
               const std::string& repetitions = "", const std::string& side = "") {
  return MotionSpec{{ActionSpec{action, direction, speed, repetitions, side}}};
}

motion::Motion animated(const MotionSpec& spec, uint64_t seed = 1, double fps = 20) {
  return animate(spec, seed, fps).motion;
}

// The motion turned by `degrees` about the vertical axis and moved by (dx, dz).
motion::Motion moved(motion::Motion m, double degrees, double dx, double dz) {
  const double a = degrees * M_PI / 180;
  const auto x = m.positions.select(2, 0), z = m.positions.select(2, 2);
  auto p = m.positions.clone();
  p.select(2, 0) = x * std::cos(a) + z * std::sin(a) + dx;
  p.select(2, 2) = -x * std::sin(a) + z * std::cos(a) + dz;
  m.positions = p;
  return m;
}

TEST(JudgeFeatures, DoNotDependOnWhereAMotionStartsOrWhichWayItFaces) {
  const auto m = animated(one("walk", "turning_left", "normal"));
  const auto f = judge_features(m);
  EXPECT_EQ(f.size(0), m.frame_count());
  EXPECT_EQ(f.size(1), kJudgeFeatures);
  EXPECT_TRUE(torch::allclose(judge_features(moved(m, 130, 4.0, -2.5)), f, 1e-4, 1e-3));
}

TEST(JudgeFeatures, SayWhereThePelvisGoesAndHowFarTheBodyTurns) {
  auto mean_of = [](const motion::Motion& m, int channel) { return judge_features(m).select(1, channel).mean().item<double>(); };
  auto last_of = [](const motion::Motion& m, int channel) {
    const auto f = judge_features(m);
    return f[f.size(0) - 1][channel].item<double>();
  };
  const auto forward = animated(one("walk", "forward", "normal")), backward = animated(one("walk", "backward", "normal"));
  // Means over the whole clip, standing lead-in and lead-out included.
  EXPECT_GT(mean_of(forward, 65), 0.4);    // forward speed, m/s
  EXPECT_LT(mean_of(backward, 65), -0.3);
  EXPECT_LT(std::abs(mean_of(forward, 64)), 0.15);
  EXPECT_GT(mean_of(animated(one("side_step", "left", "normal")), 64), 0.08);   // + is the body's left
  EXPECT_LT(mean_of(animated(one("side_step", "right", "normal")), 64), -0.08);
  // Turned left about 90 degrees: the heading's sine relative to frame 0 ends near +1.
  EXPECT_GT(last_of(animated(one("turn", "left", "normal")), 68), 0.8);
  EXPECT_LT(last_of(animated(one("turn", "right", "normal")), 68), -0.8);
  EXPECT_LT(last_of(animated(one("turn", "around", "normal")), 69), -0.8);  // cosine: facing back
  // Pelvis height: a seated body ends far lower than a standing one.
  EXPECT_LT(last_of(animated(one("sit_down", "", "normal")), 63), last_of(animated(one("stand")), 63) - 0.25);
}

TEST(JudgeFeatures, AreReadAtTwentyFramesASecondWhateverTheMotionsRate) {
  const auto at20 = animated(one("jump", "forward", "", "once"), 3, 20);
  // The same motion with a frame halfway between each pair: 40 fps.
  const auto p = at20.positions;
  const int64_t f = p.size(0);
  auto dense = torch::empty({2 * f - 1, 22, 3});
  dense.slice(0, 0, 2 * f - 1, 2).copy_(p);
  dense.slice(0, 1, 2 * f - 1, 2).copy_((p.narrow(0, 0, f - 1) + p.narrow(0, 1, f - 1)) / 2);
  motion::Motion at40{at20.skeleton, 40, dense, {}};
  EXPECT_TRUE(torch::allclose(judge_features(at40), judge_features(at20), 1e-4, 1e-4));
  // 10 fps: every other frame.
  motion::Motion at10{at20.skeleton, 10, p.slice(0, 0, f, 2), {}};
  EXPECT_EQ(judge_features(at10).size(0), (f - 1) / 2 * 2 + 1);
  // A long motion is cut at the judges' limit.
  motion::Motion long_motion = at20;
  long_motion.positions = at20.positions.repeat({6, 1, 1});
  EXPECT_EQ(judge_features(long_motion).size(0), kJudgeMaxFrames);
}

TEST(JudgeFeatures, RefuseWhatIsNotASmpl22Motion) {
  auto m = animated(one("stand"));
  auto bad = m;
  bad.positions = m.positions.narrow(0, 0, 1);
  EXPECT_THROW(judge_features(bad), gen::InputError);
  bad = m;
  bad.positions = m.positions.narrow(1, 0, 21);
  EXPECT_THROW(judge_features(bad), gen::InputError);
  bad = m;
  bad.positions = m.positions.clone();
  bad.positions[3][4][1] = std::nan("");
  EXPECT_THROW(judge_features(bad), gen::InputError);
  bad = m;
  bad.skeleton.joints[5] = "tail";
  EXPECT_THROW(judge_features(bad), gen::InputError);
  bad = m;
  bad.fps = 0;
  EXPECT_THROW(judge_features(bad), gen::InputError);
}

TEST(JudgeFeatures, PadBatchesWithZerosAndKeepLengths) {
  const auto a = judge_features(animated(one("stand"))), b = judge_features(animated(one("clap", "", "", "twice")));
  const auto batch = judge_batch({a, b});
  EXPECT_EQ(batch.features.size(2), std::max(a.size(0), b.size(0)));
  EXPECT_EQ(batch.lengths[0].item<int64_t>(), a.size(0));
  EXPECT_TRUE(torch::equal(batch.features[0].narrow(1, 0, a.size(0)), a.t()));
  if (a.size(0) < batch.features.size(2))
    EXPECT_EQ(batch.features[0].narrow(1, a.size(0), batch.features.size(2) - a.size(0)).abs().sum().item<double>(), 0);
}

// Logits that put all weight on the given labels.
torch::Tensor logits_of(const torch::Tensor& labels) {
  std::vector<torch::Tensor> parts;
  for (int slot = 0; slot < kActionSlots; ++slot)
    for (int h = 0; h < kLabelHeads; ++h) {
      const auto n = static_cast<int64_t>(label_values(static_cast<LabelHead>(h)).size());
      auto part = torch::zeros({n});
      const auto v = labels[slot][h].item<int64_t>();
      if (v != kNoLabel) part[v] = 5;
      else if (h == kActionHead) part[n - 1] = 5;
      parts.push_back(part);
    }
  return torch::cat(parts);
}

TEST(ActionLabels, RoundTripSpecsAndCompareReadingsAttributeByAttribute) {
  const MotionSpec run_then_kick{{{"run", "circle", "fast", "", "left"}, {"kick", "", "", "twice", "right"}}};
  const auto labels = encode_action_labels(run_then_kick);
  EXPECT_EQ(labels[1][kSpeedHead].item<int64_t>(), kNoLabel);
  EXPECT_EQ(labels[0][kRepetitionsHead].item<int64_t>(), kNoLabel);
  const auto reading = decode_action_labels(logits_of(labels));
  EXPECT_EQ(describe_reading(reading), describe(run_then_kick));
  const auto c = check_reading(run_then_kick, reading);
  EXPECT_TRUE(c.all());
  EXPECT_EQ(c.attributes, 5);  // direction, speed, side; repetitions, side
  // A single action reads as one; order and parameters count.
  const auto wave = one("wave", "", "", "", "left");
  EXPECT_EQ(decode_action_labels(logits_of(encode_action_labels(wave))).actions.size(), 1u);
  const MotionSpec kick_then_run{{run_then_kick.actions[1], run_then_kick.actions[0]}};
  EXPECT_FALSE(check_reading(run_then_kick, kick_then_run).actions);
  auto slower = run_then_kick;
  slower.actions[0].speed = "slow";
  const auto s = check_reading(run_then_kick, slower);
  EXPECT_TRUE(s.actions);
  EXPECT_FALSE(s.all());
  EXPECT_EQ(s.per_head_right[kSpeedHead], 0);
  EXPECT_EQ(s.attributes_right, 4);
  EXPECT_FALSE(check_reading(run_then_kick, wave).actions);
  ReadingTally t;
  t.add(c), t.add(s), t.add(check_reading(run_then_kick, wave));
  EXPECT_DOUBLE_EQ(t.action_accuracy(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(t.spec_accuracy(), 1.0 / 3);
}

TEST(JudgeMetrics, RPrecisionIsOneForMatchingEmbeddingsAndChanceForUnrelatedOnes) {
  torch::manual_seed(0);
  const auto motions = torch::nn::functional::normalize(torch::randn({96, 16}), torch::nn::functional::NormalizeFuncOptions().dim(1));
  const auto perfect = r_precision(motions, motions, 1);
  EXPECT_EQ(perfect.batch, 32);
  EXPECT_DOUBLE_EQ(perfect.top1, 1.0);
  const auto unrelated = r_precision(motions, torch::randn({96, 16}), 1);
  EXPECT_LT(unrelated.top3, 0.3);  // chance is 3/32
  EXPECT_LE(unrelated.top1, unrelated.top2);
  EXPECT_LE(unrelated.top2, unrelated.top3);
  // Captions identical to the motion's own (the same words for another motion) tie and do not push it down.
  auto same = motions.clone();
  const auto captions = torch::zeros_like(motions);
  EXPECT_DOUBLE_EQ(r_precision(same, captions, 1).top1, 1.0);
  // Fewer motions than a batch make one smaller pool.
  EXPECT_EQ(r_precision(motions.narrow(0, 0, 10), motions.narrow(0, 0, 10), 1).batch, 10);
  EXPECT_THROW(r_precision(motions, motions.narrow(0, 0, 10), 1), gen::UsageError);
}

TEST(JudgeMetrics, FrechetDistanceDiversityAndMultimodalityHaveTheirTextbookValues) {
  torch::manual_seed(1);
  const auto a = torch::randn({4000, 4}, torch::kFloat64);
  EXPECT_NEAR(frechet_distance(a, a), 0, 1e-9);
  // Shifted by 2 along one axis: the distance is the squared shift.
  auto shifted = a.clone();
  shifted.select(1, 0) += 2;
  EXPECT_NEAR(frechet_distance(a, shifted), 4, 1e-6);
  // Scaled by 3: the trace term (3 - 1)^2 per axis.
  EXPECT_NEAR(frechet_distance(a, a * 3), 16, 0.6);
  // Two points 2 apart: every pair of different rows is 2 apart.
  const auto two = torch::tensor({{0.0, 0.0}, {2.0, 0.0}});
  EXPECT_DOUBLE_EQ(diversity(two, 3), 2.0);
  EXPECT_DOUBLE_EQ(multimodality({two, torch::tensor({{0.0, 0.0}, {0.0, 1.0}, {0.0, 1.0}})}), (2.0 + 1 + 1 + 0) / 4);
  EXPECT_THROW(multimodality({torch::zeros({1, 2})}), gen::UsageError);
  EXPECT_THROW(frechet_distance(a.narrow(0, 0, 1), a), gen::UsageError);
}

}  // namespace
