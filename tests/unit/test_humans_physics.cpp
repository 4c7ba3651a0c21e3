// The physics measures judges reuse (gen/humans/physics_checks.h): the animator's
// motions pass them (no skating, no ground penetration, little jitter), and motions
// broken on purpose — feet dragged over the floor, sunk into it, shaken — fail them.
#include <gtest/gtest.h>

#include <gen/error.h>
#include <gen/humans/animator.h>
#include <gen/humans/heldout_split.h>
#include <gen/humans/physics_checks.h>

namespace {

using namespace gen::humans;

MotionSpec physics_spec(const std::string& action, const std::string& direction = "", const std::string& speed = "",
               const std::string& repetitions = "", const std::string& side = "") {
  return MotionSpec{{ActionSpec{action, direction, speed, repetitions, side}}};
}

torch::Tensor standing(uint64_t seed) { return animate(physics_spec("stand"), seed).motion.positions; }

TEST(HumansPhysics, AnimatedMotionsDoNotSkateSinkOrShake) {
  // Random specs of both splits: every action and most parameters.
  double skating_sum = 0;
  int count = 0;
  for (uint64_t seed = 0; seed < 60; ++seed) {
    const auto spec = random_motion_spec(seed, seed % 4 == 0);
    const auto m = animate(spec, seed);
    const auto r = measure_physics(m.motion.positions, m.motion.fps);
    SCOPED_TRACE(describe(spec) + " seed " + std::to_string(seed));
    EXPECT_LE(r.skating_ratio, 0.02);
    EXPECT_LT(r.penetration.max, 1e-4);
    EXPECT_LT(r.jitter, 500);
    skating_sum += r.skating_ratio, ++count;
  }
  EXPECT_LT(skating_sum / count, 0.002);
}

TEST(HumansPhysics, DraggedFeetSkate) {
  // A standing body slid across the floor at 1 m/s: its feet are down and move 5 cm a frame.
  auto p = standing(1).clone();
  const int64_t f = p.size(0);
  auto drift = torch::arange(f, torch::kFloat32) * 0.05f;
  p.select(2, 0) += drift.unsqueeze(1);
  EXPECT_GT(foot_skating_ratio(p, 20), 0.95);
  // The same slide at 0.3 m/s (1.5 cm a frame) is under the 0.5 m/s threshold.
  auto slow = standing(1).clone();
  slow.select(2, 2) += (torch::arange(f, torch::kFloat32) * 0.015f).unsqueeze(1);
  EXPECT_EQ(foot_skating_ratio(slow, 20), 0.0);
  // Lifted 10 cm, the feet are off the floor: moving them is not skating.
  auto lifted = p.clone();
  lifted.select(2, 1) += 0.1f;
  EXPECT_EQ(foot_skating_ratio(lifted, 20), 0.0);
}

TEST(HumansPhysics, SkatingFollowsTheGmdDefinitionStepByStep) {
  // 11 frames of a still body; the left foot slides 4 cm a frame in steps 3..6 only.
  auto p = standing(2).narrow(0, 0, 11).clone();
  for (int64_t t = 4; t <= 7; ++t) p[t][10][0] += 0.04f * static_cast<float>(t - 3);
  for (int64_t t = 8; t < 11; ++t) p[t][10][0] += 0.16f;
  // Speeds 0.8 m/s at steps 3..6 (step s: frame s to s+1); the 5-step means are 0.16,
  // 0.32, 0.48, 0.64, 0.64, 0.48, 0.32, 0.16 at steps 1..8: only steps 4 and 5 pass
  // both tests, 2 of 10.
  EXPECT_NEAR(foot_skating_ratio(p, 20), 0.2, 1e-9);
  // Both feet skating in one step counts once.
  auto both = p.clone();
  both.select(1, 11).copy_(both.select(1, 10) + (standing(2)[0][11] - standing(2)[0][10]));
  EXPECT_NEAR(foot_skating_ratio(both, 20), 0.2, 1e-9);
}

TEST(HumansPhysics, SunkenBodiesPenetrateTheFloor) {
  auto p = standing(3);
  EXPECT_LT(ground_penetration(p).max, 1e-4);
  auto sunk = p - torch::tensor({0.0f, 0.1f, 0.0f});
  const auto r = ground_penetration(sunk);
  EXPECT_NEAR(r.mean, 0.1, 2e-3);
  EXPECT_NEAR(r.max, 0.1, 2e-3);
  // Sunk in one frame only: the mean is a frame's share, the max the depth.
  auto once = p.clone();
  once[0] -= torch::tensor({0.0f, 0.3f, 0.0f});
  EXPECT_NEAR(ground_penetration(once).max, 0.3, 2e-3);
  EXPECT_NEAR(ground_penetration(once).mean, 0.3 / p.size(0), 2e-3);
}

TEST(HumansPhysics, ShakingRaisesJitter) {
  const auto m = animate(physics_spec("walk", "forward", "normal"), 4);
  const double smooth = jitter(m.motion.positions, 20);
  auto noisy = m.motion.positions + 0.01 * torch::randn(m.motion.positions.sizes(), torch::Generator{});
  EXPECT_GT(jitter(noisy, 20), 5 * smooth);
  EXPECT_EQ(jitter(m.motion.positions.narrow(0, 0, 3), 20), 0.0);
}

TEST(HumansPhysics, BadInputIsOneClearError) {
  EXPECT_THROW(measure_physics(torch::zeros({10, 21, 3}), 20), gen::InputError);
  EXPECT_THROW(measure_physics(torch::zeros({0, 22, 3}), 20), gen::InputError);
  EXPECT_THROW(measure_physics(torch::full({4, 22, 3}, NAN), 20), gen::InputError);
  EXPECT_THROW(foot_skating_ratio(torch::zeros({4, 22, 3}), 0), gen::InputError);
  EXPECT_EQ(foot_skating_ratio(torch::zeros({1, 22, 3}), 20), 0.0);
}

}  // namespace
