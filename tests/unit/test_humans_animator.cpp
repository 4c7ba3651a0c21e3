// The humans world's animator: every action makes a finite smpl22 motion of a plausible
// duration whose positions are the forward kinematics of its rotations; each does what
// its words say (walking goes the way it faces at the pace the speed word implies, a
// left turn is counter-clockwise seen from above, a jump leaves the floor, a wave
// raises the named hand, a kick the named foot, sitting lowers the pelvis, sequences
// hold both actions); feet stay planted while on the floor; the seed decides all.
#include <gtest/gtest.h>

#include <cmath>

#include <gen/error.h>
#include <gen/humans/animator.h>
#include <gen/humans/motion_spec.h>
#include <gen/motion/motion.h>

namespace {

using namespace gen::humans;

// smpl22 joints the tests look at.
constexpr int kPelvis = 0, kLeftHip = 1, kRightHip = 2, kLeftAnkle = 7, kRightAnkle = 8, kLeftFoot = 10,
              kRightFoot = 11, kHead = 15, kLeftShoulder = 16, kRightShoulder = 17, kLeftWrist = 20, kRightWrist = 21;

MotionSpec one(const std::string& action, const std::string& direction = "", const std::string& speed = "",
               const std::string& repetitions = "", const std::string& side = "") {
  return MotionSpec{{ActionSpec{action, direction, speed, repetitions, side}}};
}

// A valid spec of each action, with each action's first listed values.
MotionSpec first_of(const std::string& action) {
  const auto& p = action_parameters(action);
  ActionSpec a{action, p.directions.empty() ? "" : p.directions[0], p.speeds.empty() ? "" : p.speeds[0],
               p.repetitions.empty() ? "" : p.repetitions[0], p.sides.empty() ? "" : p.sides[0]};
  return MotionSpec{{a}};
}

double height(const AnimatedMotion& m, int64_t frame, int joint) { return m.motion.positions[frame][joint][1].item<double>(); }

// The horizontal direction the body faces, from the hips: the character's left is +x
// when it faces +z, so facing = left turned 90 degrees clockwise seen from above.
double facing_yaw(const AnimatedMotion& m, int64_t frame) {
  auto left = m.motion.positions[frame][kLeftHip] - m.motion.positions[frame][kRightHip];
  const double lx = left[0].item<double>(), lz = left[2].item<double>();
  return std::atan2(-lz, lx);  // facing (fx, fz) = (-lz, lx); yaw = atan2(fx, fz)
}

// Heading change over the clip, unwrapped frame to frame: + is a left turn, which is
// counter-clockwise seen from above (looking down -y): +z (yaw 0) turns towards +x.
double total_turn(const AnimatedMotion& m) {
  double total = 0;
  for (int64_t f = 1; f < m.motion.frame_count(); ++f)
    total += std::remainder(facing_yaw(m, f) - facing_yaw(m, f - 1), 2 * M_PI);
  return total;
}

torch::Tensor ground_displacement(const AnimatedMotion& m) {
  auto d = m.root[m.root.size(0) - 1] - m.root[0];
  d[1] = 0;
  return d;
}

torch::Tensor heading_vector(double yaw) { return torch::tensor({std::sin(yaw), 0.0, std::cos(yaw)}, torch::kFloat32); }

// Mean horizontal root speed over the middle third of the first action's frames.
double cruise_speed(const AnimatedMotion& m) {
  const auto& s = m.spans[0];
  const int64_t a = s.start + (s.end - s.start) / 3, b = s.end - (s.end - s.start) / 3;
  auto d = m.root[b] - m.root[a];
  d[1] = 0;
  return d.norm().item<double>() * m.motion.fps / static_cast<double>(b - a);
}

TEST(HumansAnimator, EveryActionMakesAFiniteMotionOfItsDuration) {
  for (const auto& action : action_names()) {
    const auto m = animate(first_of(action), 11);
    SCOPED_TRACE(action);
    EXPECT_NO_THROW(gen::motion::check_motion(m.motion));
    ASSERT_TRUE(m.motion.rotations.defined());
    EXPECT_EQ(m.motion.skeleton.name, "smpl22");
    EXPECT_EQ(m.motion.fps, 20.0);
    EXPECT_GE(m.motion.duration(), 2.0);
    EXPECT_LE(m.motion.duration(), 6.6);
    // Unit quaternions, and positions that are the forward kinematics of them.
    EXPECT_LT((m.motion.rotations.norm(2, -1) - 1).abs().max().item<float>(), 1e-4);
    auto fk = gen::motion::forward_kinematics(m.motion.skeleton, m.motion.rotations, m.root);
    EXPECT_TRUE(torch::allclose(fk, m.motion.positions, 1e-5, 1e-5));
    EXPECT_TRUE(torch::equal(m.root, m.motion.positions.select(1, kPelvis)));
    ASSERT_EQ(m.spans.size(), 1u);
    EXPECT_GT(m.spans[0].end, m.spans[0].start);
    EXPECT_LE(m.spans[0].end, m.motion.frame_count());
    EXPECT_EQ(m.contacts.sizes(), (std::vector<int64_t>{m.motion.frame_count(), 2}));
  }
}

TEST(HumansAnimator, RepetitionsLengthenTheClipAndAreCounted) {
  for (const std::string action : {"jump", "kick", "clap", "crouch", "raise_arms"}) {
    const auto once = animate(one(action, action == "jump" ? "in_place" : "", "", "once", action == "kick" ? "left" : ""), 5);
    const auto twice = animate(one(action, action == "jump" ? "in_place" : "", "", "twice", action == "kick" ? "left" : ""), 5);
    EXPECT_EQ(once.spans[0].count, 1) << action;
    EXPECT_EQ(twice.spans[0].count, 2) << action;
    EXPECT_GT(twice.motion.frame_count(), once.motion.frame_count()) << action;
  }
  EXPECT_GE(animate(one("jump", "in_place", "", "repeatedly"), 5).spans[0].count, 4);
}

TEST(HumansAnimator, OtherFrameRatesKeepTheDuration) {
  const auto at20 = animate(one("walk", "forward", "normal"), 3, 20), at30 = animate(one("walk", "forward", "normal"), 3, 30);
  EXPECT_EQ(at30.motion.fps, 30.0);
  EXPECT_NEAR(at30.motion.duration(), at20.motion.duration(), 0.1);
  EXPECT_THROW(animate(one("walk", "forward", "normal"), 3, 1000), gen::UsageError);
}

TEST(HumansAnimator, BadSpecsAreRefused) {
  EXPECT_THROW(animate(one("fly"), 1), gen::UsageError);
  EXPECT_THROW(animate(one("walk", "upward", "normal"), 1), gen::UsageError);
  EXPECT_THROW(animate(one("walk", "forward", ""), 1), gen::UsageError);
  EXPECT_THROW(animate(one("wave", "", "", "", "middle"), 1), gen::UsageError);
  EXPECT_THROW(animate(one("stand", "forward"), 1), gen::UsageError);
  MotionSpec sit_first{{ActionSpec{"sit_down", "", "slow", "", ""}, ActionSpec{"wave", "", "", "", "left"}}};
  EXPECT_THROW(animate(sit_first, 1), gen::UsageError);
  MotionSpec twice_the_same{{ActionSpec{"stand", "", "", "", ""}, ActionSpec{"stand", "", "", "", ""}}};
  EXPECT_THROW(animate(twice_the_same, 1), gen::UsageError);
}

TEST(HumansAnimator, WalkingForwardGoesWhereItFacesAtTheSpeedItsWordSays) {
  for (uint64_t seed : {1, 2, 3, 4}) {
    double previous = 0;
    for (const std::string speed : {"slow", "normal", "fast"}) {
      const auto m = animate(one("walk", "forward", speed), seed);
      const auto d = ground_displacement(m);
      const double along = (d * heading_vector(m.start_yaw)).sum().item<double>();
      EXPECT_GT(along, 0.97 * d.norm().item<double>()) << speed << " seed " << seed;
      const double v = cruise_speed(m);
      EXPECT_GT(v, previous) << speed << " seed " << seed;  // slow < normal < fast, same body
      previous = v;
      if (speed == "slow") EXPECT_LT(v, 1.0);
      if (speed == "normal") EXPECT_TRUE(v > 0.8 && v < 1.5) << v;
      if (speed == "fast") EXPECT_GT(v, 1.25);
    }
  }
  // Running is faster than walking fast, walking backwards goes backwards.
  EXPECT_GT(cruise_speed(animate(one("run", "forward", "normal"), 1)), 2.0);
  const auto back = animate(one("walk", "backward", "normal"), 1);
  EXPECT_LT((ground_displacement(back) * heading_vector(back.start_yaw)).sum().item<double>(), -1.0);
}

TEST(HumansAnimator, TurningLeftIsCounterClockwiseSeenFromAbove) {
  for (uint64_t seed : {1, 2, 3}) {
    const auto left = animate(one("turn", "left", "normal"), seed), right = animate(one("turn", "right", "normal"), seed);
    EXPECT_NEAR(total_turn(left), M_PI / 2, 0.3) << seed;
    EXPECT_NEAR(total_turn(right), -M_PI / 2, 0.3) << seed;
    EXPECT_NEAR(std::abs(total_turn(animate(one("turn", "around", "slow"), seed))), M_PI, 0.35) << seed;
    // Turning happens in place.
    EXPECT_LT(ground_displacement(left).norm().item<double>(), 0.1);
    EXPECT_NEAR(left.end_yaw - left.start_yaw, total_turn(left), 0.15);
  }
  // Walking "left" ends up going about 90 degrees to the left of where it started facing.
  const auto walk_left = animate(one("walk", "left", "normal"), 4);
  EXPECT_NEAR(total_turn(walk_left), M_PI / 2, 0.35);
  const auto d = ground_displacement(walk_left);
  EXPECT_GT((d * heading_vector(walk_left.start_yaw + M_PI / 2)).sum().item<double>(), 1.0);
  EXPECT_LT(total_turn(animate(one("walk", "turning_right", "normal"), 4)), -M_PI / 2);
}

TEST(HumansAnimator, CirclesCloseAndSideStepsGoSideways) {
  const auto circle = animate(one("walk", "circle", "normal", "", "left"), 6);
  EXPECT_NEAR(total_turn(circle), 2 * M_PI, 0.4);
  EXPECT_LT(ground_displacement(circle).norm().item<double>(), 0.35);
  const auto clockwise = animate(one("run", "circle", "fast", "", "right"), 6);
  EXPECT_NEAR(total_turn(clockwise), -2 * M_PI, 0.4);
  const auto side = animate(one("side_step", "right", "normal"), 6);
  const auto d = ground_displacement(side);
  // The character's right is -x when it faces +z: the heading turned 90 degrees clockwise.
  EXPECT_GT((d * heading_vector(side.start_yaw - M_PI / 2)).sum().item<double>(), 0.4);
  EXPECT_LT(std::abs(total_turn(side)), 0.15);
}

TEST(HumansAnimator, FeetArePlantedWhileOnTheFloorAndNeverBelowIt) {
  const std::vector<MotionSpec> specs{one("walk", "forward", "fast"), one("run", "turning_left", "normal"),
                                      one("side_step", "left", "fast"), one("turn", "around", "fast"),
                                      one("jump", "forward", "", "twice"), one("kick", "", "", "once", "right"),
                                      one("walk", "backward", "slow"), one("crouch", "", "", "twice")};
  for (const auto& spec : specs) {
    for (uint64_t seed : {1, 2}) {
      const auto m = animate(spec, seed);
      SCOPED_TRACE(describe(spec) + " seed " + std::to_string(seed));
      const auto& p = m.motion.positions;
      // The lowest foot joint: never below the floor, on it when standing at the start.
      auto feet = p.index_select(1, torch::tensor({kLeftAnkle, kRightAnkle, kLeftFoot, kRightFoot}));
      EXPECT_GT(feet.select(2, 1).min().item<double>(), -1e-4);
      EXPECT_LT(feet[0].select(1, 1).min().item<double>(), 1e-3);
      // A foot on the floor in two frames in a row: its toe moves at most a few
      // millimetres (a heel-strike roll), never slides.
      for (int side = 0; side < 2; ++side) {
        const int toe = side == 0 ? kLeftFoot : kRightFoot;
        for (int64_t f = 0; f + 1 < m.motion.frame_count(); ++f) {
          if (!m.contacts[f][side].item<bool>() || !m.contacts[f + 1][side].item<bool>()) continue;
          auto step = p[f + 1][toe] - p[f][toe];
          step[1] = 0;
          ASSERT_LT(step.norm().item<double>(), 0.008) << "frame " << f << " side " << side;
        }
      }
    }
  }
}

TEST(HumansAnimator, WalkingBobsThePelvisAndSwingsArmsAgainstLegs) {
  const auto m = animate(one("walk", "forward", "normal"), 8);
  const auto& s = m.spans[0];
  const int64_t a = s.start + (s.end - s.start) / 4, b = s.end - (s.end - s.start) / 4;
  auto pelvis_y = m.root.narrow(0, a, b - a).select(1, 1);
  EXPECT_GT((pelvis_y.max() - pelvis_y.min()).item<double>(), 0.01);
  EXPECT_LT((pelvis_y.max() - pelvis_y.min()).item<double>(), 0.08);
  // How far ahead of the pelvis each wrist and ankle is, along the facing direction.
  const auto forward = heading_vector(m.start_yaw);
  auto ahead = [&](int joint) {
    return ((m.motion.positions.narrow(0, a, b - a).select(1, joint) - m.root.narrow(0, a, b - a)) * forward).sum(1);
  };
  auto centred = [](torch::Tensor x) { return x - x.mean(); };
  auto correlation = [&](torch::Tensor x, torch::Tensor y) {
    x = centred(x), y = centred(y);
    return ((x * y).sum() / (x.norm() * y.norm())).item<double>();
  };
  EXPECT_LT(correlation(ahead(kLeftWrist), ahead(kLeftAnkle)), -0.5);
  EXPECT_LT(correlation(ahead(kRightWrist), ahead(kRightAnkle)), -0.5);
  EXPECT_GT(correlation(ahead(kLeftWrist), ahead(kRightAnkle)), 0.5);
}

TEST(HumansAnimator, JumpsLeaveTheFloorOnAGravityArc) {
  for (const std::string direction : {"in_place", "forward"}) {
    const auto m = animate(one("jump", direction, "", "once"), 3);
    const auto& p = m.motion.positions;
    auto lowest = p.index_select(1, torch::tensor({kLeftAnkle, kRightAnkle, kLeftFoot, kRightFoot})).select(2, 1).amin(1);
    EXPECT_GT(lowest.max().item<double>(), 0.1) << direction;
    // Airborne frames: no contact; the root's second difference there is -g dt^2.
    std::vector<int64_t> air;
    for (int64_t f = 0; f < m.motion.frame_count(); ++f)
      if (!m.contacts[f][0].item<bool>() && !m.contacts[f][1].item<bool>()) air.push_back(f);
    ASSERT_GE(air.size(), 5u) << direction;
    for (size_t i = 2; i + 2 < air.size(); ++i) {
      const int64_t f = air[i];
      const double accel = (m.root[f + 1][1] - 2 * m.root[f][1] + m.root[f - 1][1]).item<double>() * 400;
      EXPECT_NEAR(accel, -9.81, 0.5) << direction << " frame " << f;
    }
  }
  const auto forward = animate(one("jump", "forward", "", "once"), 3);
  EXPECT_GT((ground_displacement(forward) * heading_vector(forward.start_yaw)).sum().item<double>(), 0.3);
}

TEST(HumansAnimator, WavingRaisesTheNamedHandAboveTheShoulder) {
  for (const std::string side : {"left", "right"}) {
    const auto m = animate(one("wave", "", "", "", side), 4);
    const int wrist = side == "left" ? kLeftWrist : kRightWrist, other = side == "left" ? kRightWrist : kLeftWrist;
    const int shoulder = side == "left" ? kLeftShoulder : kRightShoulder, other_shoulder = side == "left" ? kRightShoulder : kLeftShoulder;
    const auto& p = m.motion.positions;
    const auto raised = p.select(1, wrist).select(1, 1) - p.select(1, shoulder).select(1, 1);
    const auto lowered = p.select(1, other).select(1, 1) - p.select(1, other_shoulder).select(1, 1);
    EXPECT_GT(raised.max().item<double>(), 0.15) << side;
    EXPECT_LT(lowered.max().item<double>(), -0.3) << side;
    // It waves: the raised hand moves side to side while up.
    auto up = raised > 0.1;
    auto x = p.select(1, wrist).select(1, 0).masked_select(up);
    EXPECT_GT((x.max() - x.min()).item<double>(), 0.08) << side;
  }
}

TEST(HumansAnimator, KickingRaisesTheNamedFootWhileTheOtherStaysPut) {
  for (const std::string side : {"left", "right"}) {
    const auto m = animate(one("kick", "", "", "once", side), 6);
    const int kicking = side == "left" ? kLeftAnkle : kRightAnkle, standing = side == "left" ? kRightFoot : kLeftFoot;
    const auto& p = m.motion.positions;
    EXPECT_GT(p.select(1, kicking).select(1, 1).max().item<double>(), 0.4) << side;
    auto planted = p.select(1, standing);
    EXPECT_LT((planted - planted[0]).norm(2, 1).max().item<double>(), 1e-4) << side;
    // The kick goes forward.
    const auto reach = ((p.select(1, kicking) - m.root) * heading_vector(m.start_yaw)).sum(1);
    EXPECT_GT(reach.max().item<double>(), 0.4) << side;
  }
}

TEST(HumansAnimator, SittingDownLowersThePelvisAndCrouchingComesBackUp) {
  const auto sit = animate(one("sit_down", "", "normal"), 2);
  EXPECT_GT(height(sit, 0, kPelvis), 0.9);
  EXPECT_LT(height(sit, sit.motion.frame_count() - 1, kPelvis), 0.6);
  const auto crouch = animate(one("crouch", "", "", "once"), 2);
  EXPECT_LT(crouch.root.select(1, 1).min().item<double>(), 0.7);
  EXPECT_GT(height(crouch, crouch.motion.frame_count() - 1, kPelvis), 0.9);
  const auto raise = animate(one("raise_arms", "", "", "once"), 2);
  const auto& p = raise.motion.positions;
  EXPECT_GT((p.select(1, kLeftWrist).select(1, 1) - p.select(1, kHead).select(1, 1)).max().item<double>(), 0.2);
}

TEST(HumansAnimator, SequencesHoldBothActionsInOrder) {
  MotionSpec run_then_jump{{ActionSpec{"run", "forward", "normal", "", ""}, ActionSpec{"jump", "in_place", "", "once", ""}}};
  const auto m = animate(run_then_jump, 9);
  ASSERT_EQ(m.spans.size(), 2u);
  EXPECT_EQ(m.spans[0].end, m.spans[1].start);
  EXPECT_GT(cruise_speed(m), 1.8);  // the first part runs
  // The second part leaves the floor; the first never does with both feet for long.
  auto lowest = m.motion.positions.index_select(1, torch::tensor({kLeftFoot, kRightFoot})).select(2, 1).amin(1);
  EXPECT_GT(lowest.narrow(0, m.spans[1].start, m.spans[1].end - m.spans[1].start).max().item<double>(), 0.1);
  MotionSpec walk_then_wave{{ActionSpec{"walk", "forward", "slow", "", ""}, ActionSpec{"wave", "", "", "", "right"}}};
  const auto w = animate(walk_then_wave, 9);
  const auto& p = w.motion.positions;
  auto raised = p.select(1, kRightWrist).select(1, 1) - p.select(1, kRightShoulder).select(1, 1);
  EXPECT_LT(raised.narrow(0, 0, w.spans[0].end).max().item<double>(), 0);
  EXPECT_GT(raised.narrow(0, w.spans[1].start, w.spans[1].end - w.spans[1].start).max().item<double>(), 0.15);
  // The wave happens where the walk ended.
  EXPECT_GT(ground_displacement(w).norm().item<double>(), 0.3);
}

TEST(HumansAnimator, TheSeedDecidesEverything) {
  const auto spec = one("walk", "turning_left", "normal");
  const auto a = animate(spec, 42), b = animate(spec, 42), c = animate(spec, 43);
  EXPECT_TRUE(torch::equal(a.motion.positions, b.motion.positions));
  EXPECT_TRUE(torch::equal(a.motion.rotations, b.motion.rotations));
  EXPECT_TRUE(torch::equal(a.contacts, b.contacts));
  ASSERT_FALSE(a.motion.positions.sizes() == c.motion.positions.sizes() && torch::equal(a.motion.positions, c.motion.positions));
  EXPECT_NE(a.start_yaw, c.start_yaw);
  // Start facing varies within 30 degrees of +z.
  for (uint64_t seed = 0; seed < 20; ++seed) EXPECT_LE(std::abs(animate(one("stand"), seed).start_yaw), M_PI / 6 + 1e-9);
}

}  // namespace
