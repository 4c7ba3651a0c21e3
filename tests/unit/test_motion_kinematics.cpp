// The motion library's skeleton, quaternions and forward kinematics.
#include <gtest/gtest.h>

#include <gen/error.h>
#include <gen/motion/motion.h>
#include <gen/motion/quaternion.h>

using namespace gen::motion;

TEST(Skeleton, Smpl22HasHumanMl3dJointOrder) {
  const auto& s = smpl22();
  ASSERT_EQ(s.joint_count(), 22);
  EXPECT_EQ(s.joints[0], "pelvis");
  EXPECT_EQ(s.joints[21], "right_wrist");
  EXPECT_EQ(s.parents[15], 12);  // head <- neck
  EXPECT_EQ(s.parents[20], 18);  // left_wrist <- left_elbow
  EXPECT_EQ(s.index_of("left_foot"), 10);
  EXPECT_THROW(s.index_of("tail"), gen::InputError);
  // Left joints are at +x (the character faces +z).
  auto rest = rest_positions(s);
  EXPECT_GT(rest[s.index_of("left_wrist")][0].item<float>(), 0.1f);
  EXPECT_NEAR(rest.select(1, 1).min().item<float>(), -0.95f, 1e-4);
}

TEST(Skeleton, BadTreeIsRefused) {
  auto s = smpl22();
  s.parents[3] = 5;  // a parent after its child
  EXPECT_THROW(check_skeleton(s), gen::InputError);
}

TEST(Quaternion, RotateMatchesMatrix) {
  auto q = quat_normalize(torch::randn({5, 4}, torch::Generator{}));
  auto v = torch::randn({5, 3});
  auto by_matrix = torch::matmul(quat_to_matrix(q), v.unsqueeze(-1)).squeeze(-1);
  EXPECT_TRUE(torch::allclose(quat_rotate(q, v), by_matrix, 1e-5, 1e-5));
  auto back = quat_from_matrix(quat_to_matrix(q));
  auto same = torch::minimum((back - q).abs().amax(-1), (back + q).abs().amax(-1));
  EXPECT_LT(same.max().item<float>(), 1e-5);
}

TEST(Quaternion, EulerRoundTripsEveryOrder) {
  auto degrees = torch::tensor({{10.0f, -35.0f, 120.0f}, {-170.0f, 80.0f, 5.0f}, {0.0f, 0.0f, 0.0f}});
  for (std::string order : {"XYZ", "XZY", "YXZ", "YZX", "ZXY", "ZYX"}) {
    auto q = quat_from_euler(degrees, order);
    auto back = quat_to_euler(q, order);
    EXPECT_TRUE(torch::allclose(back, degrees, 1e-3, 1e-3)) << order << "\n" << back;
  }
  // "ZXY": the first channel is outermost, R = Rz Rx Ry.
  auto z = quat_from_euler(torch::tensor({{90.0f, 0.0f, 0.0f}}), "ZXY");
  auto x_axis = quat_rotate(z, torch::tensor({{1.0f, 0.0f, 0.0f}}));
  EXPECT_TRUE(torch::allclose(x_axis, torch::tensor({{0.0f, 1.0f, 0.0f}}), 1e-5, 1e-5));
  EXPECT_THROW(quat_from_euler(degrees, "XXY"), gen::InputError);
}

TEST(Quaternion, BetweenTakesAToB) {
  auto a = torch::tensor({{1.0f, 0.0f, 0.0f}, {0.0f, 1.0f, 0.0f}, {0.0f, 0.0f, 2.0f}});
  auto b = torch::tensor({{0.0f, 0.0f, 3.0f}, {0.0f, -1.0f, 0.0f}, {0.0f, 0.0f, 1.0f}});
  auto q = quat_between(a, b);
  auto rotated = quat_rotate(q, a / a.norm(2, -1, true));
  EXPECT_TRUE(torch::allclose(rotated, b / b.norm(2, -1, true), 1e-5, 1e-5));
}

TEST(ForwardKinematics, IdentityIsRestPoseAtTheRoot) {
  const auto& s = smpl22();
  auto rotations = quat_identity({3, 22});
  auto root = torch::tensor({{0.0f, 0.95f, 0.0f}, {1.0f, 0.95f, 0.0f}, {0.0f, 0.5f, 2.0f}});
  auto positions = forward_kinematics(s, rotations, root);
  auto expected = rest_positions(s).unsqueeze(0) + root.unsqueeze(1);
  EXPECT_TRUE(torch::allclose(positions, expected, 1e-6, 1e-6));
}

TEST(ForwardKinematics, ElbowBendMovesOnlyTheForearm) {
  const auto& s = smpl22();
  auto rotations = quat_identity({1, 22});
  const int elbow = s.index_of("left_elbow"), wrist = s.index_of("left_wrist");
  // Bend 90 degrees about x: the forearm (pointing down) swings to point forward (+z).
  rotations[0][elbow] = quat_from_axis_angle(torch::tensor({-1.0f, 0.0f, 0.0f}), torch::tensor(M_PI / 2));
  auto positions = forward_kinematics(s, rotations, torch::zeros({1, 3}));
  auto rest = rest_positions(s);
  auto forearm = positions[0][wrist] - positions[0][elbow];
  EXPECT_TRUE(torch::allclose(forearm, torch::tensor({0.0f, 0.0f, 0.25f}), 1e-5, 1e-5)) << forearm;
  EXPECT_TRUE(torch::allclose(positions[0][elbow], rest[elbow], 1e-6, 1e-6));
  Motion m = motion_from_rotations(s, rotations, torch::zeros({1, 3}), 20);
  EXPECT_NO_THROW(check_motion(m));
  m.positions[0][3][1] = NAN;
  EXPECT_THROW(check_motion(m), gen::InputError);
}
