// HumanML3D's 263-d features: layout, preprocessing, encode -> decode round trips, the
// cont6d rotations against the bones they describe, and errors.
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include <gen/error.h>
#include <gen/motion/humanml_features.h>
#include <gen/motion/npy.h>
#include <gen/motion/quaternion.h>

#include "motion_fixtures.h"

using namespace gen::motion;
using gen::test::walking_motion;

namespace {

float max_distance(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).norm(2, -1).max().item<float>(); }

// The motion turned about y by `degrees` and moved by (dx, dy, dz).
Motion moved(const Motion& m, double degrees, double dx, double dy, double dz) {
  auto q = quat_from_axis_angle(torch::tensor({0.0f, 1.0f, 0.0f}), torch::tensor(float(degrees * M_PI / 180)));
  Motion out = m;
  out.positions = quat_rotate(q.expand({m.frame_count(), 22, 4}), m.positions) + torch::tensor({float(dx), float(dy), float(dz)});
  out.rotations = torch::Tensor();
  return out;
}

torch::Tensor slice(const torch::Tensor& features, const std::string& name) {
  for (const auto& s : humanml_feature_slices())
    if (s.name == name) return features.narrow(-1, s.begin, s.size);
  throw std::runtime_error("no slice " + name);
}

}  // namespace

TEST(HumanMLFeatures, SlicesCoverTheVectorInOrder) {
  int next = 0;
  for (const auto& s : humanml_feature_slices()) {
    EXPECT_EQ(s.begin, next) << s.name;
    next += s.size;
  }
  EXPECT_EQ(next, kHumanMLFeatureSize);
  EXPECT_EQ(humanml_feature_slices()[3].name, "ric");
  EXPECT_EQ(humanml_feature_slices()[3].begin, 4);
  EXPECT_EQ(humanml_feature_slices()[6].begin, 259);
}

TEST(HumanMLFeatures, CanonicalizePutsFrameZeroOnTheFloorAtTheOriginFacingPlusZ) {
  const auto m = moved(walking_motion(30, 20, 45), 130, 3.0, 0.4, -2.0);
  const auto p = humanml_canonicalize(m.positions);
  EXPECT_NEAR(p.select(-1, 1).min().item<float>(), 0.0f, 1e-6);
  EXPECT_NEAR(p[0][0][0].item<float>(), 0.0f, 1e-5);
  EXPECT_NEAR(p[0][0][2].item<float>(), 0.0f, 1e-5);
  // The across vector (right hip - left hip + right shoulder - left shoulder) points to -x.
  auto across = (p[0][2] - p[0][1]) + (p[0][17] - p[0][16]);
  EXPECT_LT(across[0].item<float>(), 0);
  EXPECT_NEAR(across[2].item<float>(), 0.0f, 1e-5);
  // A rigid move: distances between joints are kept.
  EXPECT_NEAR((p[5][20] - p[5][11]).norm().item<float>(), (m.positions[5][20] - m.positions[5][11]).norm().item<float>(), 1e-5);
}

TEST(HumanMLFeatures, EncodeDecodeRoundTripsAWalkingTurningMotion) {
  const auto m = walking_motion(80, 20, 120);
  const auto features = humanml_encode(m);
  ASSERT_EQ(features.sizes(), (std::vector<int64_t>{79, 263}));
  EXPECT_EQ(features.scalar_type(), torch::kFloat32);
  const auto decoded = humanml_decode(features);
  const auto expected = humanml_canonicalize(m.positions).slice(0, 0, 79);
  EXPECT_LT(max_distance(decoded, expected), 1e-4) << "round trip error";
  // The walk really travels and turns: a decode that ignored the root would fail above.
  EXPECT_GT((expected[78][0] - expected[0][0]).norm().item<float>(), 3.0f);
}

TEST(HumanMLFeatures, TurningThroughEveryFacingRoundTrips) {
  // Two full turns: the root's facing crosses -z (where HumanML3D's own encoder flips
  // the turn's sign) twice.
  const auto m = walking_motion(120, 20, 720, 10);
  const auto decoded = humanml_decode(humanml_encode(m));
  EXPECT_LT(max_distance(decoded, humanml_canonicalize(m.positions).slice(0, 0, 119)), 1e-4);
}

TEST(HumanMLFeatures, RootTurnKeepsItsSignThroughFacingMinusZ) {
  // 3 degrees a frame from a heading of 10 degrees: the facing passes -z near frame 56.
  // Away from the clip's ends (where the facing's smoothing window is cut) the summed
  // turn is the heading change; a turn whose sign flipped at the crossing would be off
  // by 4 x 3 degrees.
  const auto m = walking_motion(200, 20, 600, 10);
  auto turn = slice(humanml_encode(m), "root_angular_velocity").squeeze(-1).to(torch::kFloat64);
  const double heading_change = 600.0 * 130 / 199;
  // The root rotation turns the facing onto +z: the opposite way, in half angles.
  EXPECT_NEAR(-2 * turn.slice(0, 0, 130).sum().item<double>() * 180 / M_PI, heading_change, 4);
  EXPECT_LT(turn.slice(0, 40, 120).max().item<double>(), 0);
}

TEST(HumanMLFeatures, FeaturesDoNotDependOnWhereTheMotionStartsOrFaces) {
  const auto m = walking_motion(40, 20, 60);
  const auto a = humanml_encode(m), b = humanml_encode(moved(m, -75, -4, 1.5, 7));
  EXPECT_LT((a - b).abs().max().item<float>(), 1e-4);
}

TEST(HumanMLFeatures, PartsMeanWhatTheySay) {
  const auto m = walking_motion(60, 20, 0);
  const auto f = humanml_encode(m);
  const auto p = humanml_canonicalize(m.positions).to(torch::kFloat64);
  // Root height is the canonical root's y; walking straight ahead (+z) the root moves
  // forward in its own frame at ~1.2 m/s and does not turn.
  EXPECT_LT((slice(f, "root_height").squeeze(-1) - p.select(1, 0).select(-1, 1).slice(0, 0, 59)).abs().max().item<double>(), 1e-5);
  auto velocity = slice(f, "root_linear_velocity");
  EXPECT_NEAR(velocity.select(-1, 1).mean().item<float>(), 1.2f / 20, 0.01);
  EXPECT_LT(velocity.select(-1, 0).abs().max().item<float>(), 0.01);
  // Local velocities are per-frame displacements (the root's z speed again).
  EXPECT_NEAR(slice(f, "local_velocity").select(-1, 2).mean().item<float>(), 1.2f / 20, 0.01);
  // Foot contacts: a foot is down (1) exactly when it moved less than sqrt(0.002) m.
  auto contact = slice(f, "foot_contact");
  auto moved_left_foot = (p.select(1, 10).slice(0, 1) - p.select(1, 10).slice(0, 0, -1)).pow(2).sum(-1);
  EXPECT_TRUE(torch::equal(contact.select(-1, 1), (moved_left_foot < 0.002).to(torch::kFloat32)));
  EXPECT_GT(contact.sum().item<float>(), 0);
  EXPECT_LT(contact.sum().item<float>(), 59 * 4);
}

TEST(HumanMLFeatures, Cont6dRotationsTurnTheRawOffsetsOntoTheBones) {
  // The rotations are HumanML3D's: root rotation times the chain's local rotations takes
  // each joint's unit raw offset onto its bone (in the root's facing frame at frame 0).
  const auto m = walking_motion(30, 20, 40);
  const auto f = humanml_encode(m).to(torch::kFloat64);
  const auto p = humanml_canonicalize(m.positions).to(torch::kFloat64);
  auto matrix = [&](int64_t frame, int joint) {  // cont6d -> rotation matrix (Gram-Schmidt)
    auto six = slice(f, "rotations")[frame].narrow(0, (joint - 1) * 6, 6);
    auto x = six.narrow(0, 0, 3), y = six.narrow(0, 3, 3);
    x = x / x.norm();
    auto z = torch::cross(x, y, 0);
    z = z / z.norm();
    return torch::stack({x, torch::cross(z, x, 0), z}, 1);
  };
  for (int64_t frame : {0, 17}) {
    // The root rotation at this frame from the decoded angle: the integral of the turn.
    const double half = frame == 0 ? 0.0 : slice(f, "root_angular_velocity").slice(0, 0, frame).sum().item<double>();
    auto root = quat_to_matrix(torch::tensor({std::cos(half), 0.0, std::sin(half), 0.0}, torch::kFloat64));
    // Left leg chain 0-1-4-7: the knee's bone (1 -> 4) has raw offset -y.
    auto global = torch::matmul(torch::matmul(root, matrix(frame, 1)), matrix(frame, 4));
    auto bone = p[frame][4] - p[frame][1];
    auto predicted = torch::matmul(global, torch::tensor({0.0, -1.0, 0.0}, torch::kFloat64));
    EXPECT_LT((predicted - bone / bone.norm()).norm().item<double>(), 1e-4) << "frame " << frame;
  }
}

TEST(HumanMLFeatures, DecodeTakesBatches) {
  const auto f1 = humanml_encode(walking_motion(20, 20, 30)), f2 = humanml_encode(walking_motion(20, 20, -50));
  const auto both = humanml_decode(torch::stack({f1, f2}));
  ASSERT_EQ(both.sizes(), (std::vector<int64_t>{2, 19, 22, 3}));
  EXPECT_LT(max_distance(both[1], humanml_decode(f2)), 1e-6);
  const auto m = humanml_motion(f1);
  EXPECT_EQ(m.skeleton.name, "smpl22");
  EXPECT_EQ(m.fps, 20);
  EXPECT_EQ(m.frame_count(), 19);
}

TEST(HumanMLFeatures, RefusesWhatItCannotEncode) {
  auto m = walking_motion(10);
  m.fps = 30;
  EXPECT_THROW(humanml_encode(m), gen::InputError);
  m = walking_motion(1);
  EXPECT_THROW(humanml_encode(m), gen::InputError);
  m = walking_motion(10);
  m.skeleton.joints[3] = "chest";
  EXPECT_THROW(humanml_encode(m), gen::InputError);
  m = walking_motion(10);
  m.positions = torch::zeros_like(m.positions);  // every joint in one place: no facing
  EXPECT_THROW(humanml_encode(m), gen::InputError);
  EXPECT_THROW(humanml_decode(torch::zeros({5, 262})), gen::InputError);
  EXPECT_THROW(humanml_canonicalize(torch::zeros({5, 21, 3})), gen::InputError);
}

// Against HumanML3D's own files, when a checkout is named in $GEN_HUMANML3D_DIR (its
// HumanML3D/new_joints and new_joint_vecs hold one processed clip, 012314).
TEST(HumanMLFeatures, MatchesHumanML3DReferenceClip) {
  const char* dir = std::getenv("GEN_HUMANML3D_DIR");
  if (!dir) GTEST_SKIP() << "set GEN_HUMANML3D_DIR to a HumanML3D checkout";
  const std::filesystem::path root(dir);
  const auto joints = read_npy(root / "HumanML3D/new_joints/012314.npy").to(torch::kFloat32);
  const auto vecs = read_npy(root / "HumanML3D/new_joint_vecs/012314.npy").to(torch::kFloat32);
  // Their decoder's output is in new_joints: ours must agree everywhere.
  EXPECT_LT(max_distance(humanml_decode(vecs), joints), 1e-5);
  // Encoding their positions again: new_joints lacks the clip's last frame, which the
  // facing's 80-frame smoothing window reaches from frame 89 on; before that the
  // features must be theirs.
  Motion m;
  m.skeleton = smpl22();
  m.fps = 20;
  m.positions = joints;
  const auto ours = humanml_encode(m);
  const int64_t n = std::min<int64_t>(89, ours.size(0));
  EXPECT_LT((ours.slice(0, 0, n) - vecs.slice(0, 0, n)).abs().max().item<float>(), 5e-5);
}
