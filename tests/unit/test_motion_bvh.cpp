// BVH: write -> read round trips (with and without rotations), inverse kinematics,
// hand-written files in other conventions, and hostile input.
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include <gen/error.h>
#include <gen/motion/bvh.h>
#include <gen/motion/inverse_kinematics.h>
#include <gen/motion/quaternion.h>

#include "motion_fixtures.h"
#include "test_util.h"

using namespace gen::motion;
using gen::test::walking_motion;

namespace {

float max_distance(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).norm(2, -1).max().item<float>(); }

int count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// The message of the gen::InputError that decoding `text` throws ("" when none).
std::string decode_error(const std::string& text, const BvhReadOptions& options = {}) {
  try {
    decode_bvh(text, "t.bvh", options);
  } catch (const gen::InputError& e) {
    return e.what();
  }
  return "";
}

// A small skeleton in other conventions: centimetres, other names, other channel orders.
const char* kHandWritten = R"(HIERARCHY
ROOT Hips
{
  OFFSET 0 0 0
  CHANNELS 6 Xposition Yposition Zposition Xrotation Yrotation Zrotation
  JOINT Spine
  {
    OFFSET 0 10 0
    CHANNELS 3 Yrotation Xrotation Zrotation
    End Site
    {
      OFFSET 0 10 0
    }
  }
  JOINT LeftLeg
  {
    OFFSET 10 0 0
    CHANNELS 3 Xrotation Zrotation Yrotation
    JOINT LeftFoot
    {
      OFFSET 0 -40 0
      CHANNELS 3 Xrotation Zrotation Yrotation
      End Site
      {
        OFFSET 0 0 10
      }
    }
  }
}
MOTION
Frames: 2
Frame Time: 0.0333333
0 90 0 0 0 0 0 0 0 0 0 0 0 0 0
100 90 50 0 90 0 90 0 0 -90 0 0 0 0 0
)";

}  // namespace

TEST(InverseKinematics, ReproducesARigidPosingExactly) {
  const auto m = walking_motion(30, 20, 200);
  const auto rotations = rotations_from_positions(m.skeleton, m.positions);
  const auto again = forward_kinematics(m.skeleton, rotations, m.positions.select(1, 0));
  EXPECT_LT(max_distance(again, m.positions), 1e-5);
}

TEST(InverseKinematics, KeepsBoneDirectionsWhenLengthsDiffer) {
  // Positions of a body 30% larger: every bone direction is kept, lengths are smpl22's.
  auto big = smpl22();
  big.offsets = big.offsets * 1.3;
  const auto m = walking_motion(20, 20, 50);
  const auto positions = forward_kinematics(big, m.rotations, m.positions.select(1, 0));
  const auto& s = smpl22();
  const auto rebuilt = forward_kinematics(s, rotations_from_positions(s, positions), positions.select(1, 0));
  for (int j = 1; j < s.joint_count(); ++j) {
    const int p = s.parents[j];
    auto want = positions.select(1, j) - positions.select(1, p), got = rebuilt.select(1, j) - rebuilt.select(1, p);
    auto cosine = (want * got).sum(-1) / (want.norm(2, -1) * got.norm(2, -1));
    EXPECT_GT(cosine.min().item<float>(), 1 - 1e-6) << s.joints[j];
    EXPECT_NEAR(got.norm(2, -1).mean().item<float>(), s.offsets[j].norm().item<float>(), 1e-5) << s.joints[j];
  }
}

TEST(Bvh, WritesTheSmplHierarchyInMetres) {
  const auto text = encode_bvh(walking_motion(12, 20));
  EXPECT_EQ(text.rfind("HIERARCHY\nROOT pelvis\n{\n\tOFFSET 0.000000 0.000000 0.000000\n"
                       "\tCHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation\n"
                       "\tJOINT left_hip\n", 0), 0u) << text.substr(0, 300);
  EXPECT_EQ(count(text, "CHANNELS 3 Zrotation Xrotation Yrotation"), 21);
  EXPECT_EQ(count(text, "End Site"), 5);  // feet, head, wrists
  EXPECT_NE(text.find("JOINT left_knee\n\t\t{\n\t\t\tOFFSET 0.000000 -0.380000 0.000000\n"), std::string::npos);
  EXPECT_NE(text.find("MOTION\nFrames: 12\nFrame Time: 0.05000000\n"), std::string::npos);
  // 12 lines of 3 + 22 * 3 values; the root starts at its height in metres.
  const auto motion = text.substr(text.find("Frame Time"));
  EXPECT_EQ(count(motion, "\n"), 13);
  std::istringstream first(motion.substr(motion.find('\n') + 1));
  double x, y;
  first >> x >> y;
  EXPECT_NEAR(y, 0.95, 0.01);
}

TEST(Bvh, RoundTripsAMotionWithRotations) {
  gen::test::TempDir dir;
  const auto m = walking_motion(50, 20, 300);
  write_bvh(dir / "walk.bvh", m);
  const auto back = read_bvh(dir / "walk.bvh");
  EXPECT_EQ(back.skeleton.name, "smpl22");
  EXPECT_TRUE(same_layout(back.skeleton, smpl22()));
  EXPECT_TRUE(torch::allclose(back.skeleton.offsets, smpl22().offsets, 0, 1e-6));
  EXPECT_EQ(back.fps, 20);
  EXPECT_LT(max_distance(back.positions, m.positions), 1e-4);
  ASSERT_TRUE(back.rotations.defined());
  EXPECT_LT(max_distance(forward_kinematics(back.skeleton, back.rotations, back.positions.select(1, 0)), back.positions), 1e-5);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);  // no temporary left
}

TEST(Bvh, RoundTripsPositionsOnlyThroughInverseKinematics) {
  auto m = walking_motion(40, 30, -150);
  m.rotations = torch::Tensor();  // what a diffusion model gives
  const auto back = decode_bvh(encode_bvh(m));
  EXPECT_EQ(back.fps, 30);
  EXPECT_LT(max_distance(back.positions, m.positions), 1e-4);
}

TEST(Bvh, UnwrapsEulerAnglesOverTime) {
  auto m = walking_motion(60, 20, 720);  // the root turns twice
  const auto text = encode_bvh(m);
  std::istringstream lines(text.substr(text.find("Frame Time")));
  std::string line;
  std::getline(lines, line);
  double previous = 0, total = 0;
  for (int f = 0; std::getline(lines, line); ++f) {
    std::istringstream values(line);
    double v[6];
    for (double& x : v) values >> x;
    if (f > 0) EXPECT_LT(std::abs(v[5] - previous), 180) << "frame " << f;  // the root's Yrotation
    if (f > 0) total += v[5] - previous;
    previous = v[5];
  }
  EXPECT_NEAR(total, 720.0, 5.0);
}

TEST(Bvh, ReadsOtherNamesChannelOrdersAndCentimetres) {
  const auto m = decode_bvh(kHandWritten, "hand.bvh");
  EXPECT_EQ(m.skeleton.name, "bvh");
  EXPECT_EQ(m.skeleton.joints, (std::vector<std::string>{"Hips", "Spine", "LeftLeg", "LeftFoot"}));
  EXPECT_EQ(m.skeleton.parents, (std::vector<int>{-1, 0, 0, 2}));
  EXPECT_EQ(m.fps, 30);
  // Frame 0: the rest pose 0.9 m up. Frame 1: at (1, 0.9, 0.5) turned 90 degrees about y,
  // the leg lifted forward by -90 degrees about x (before the hips' turn).
  const auto expected = torch::tensor({{{0.0f, 0.9f, 0.0f}, {0.0f, 1.0f, 0.0f}, {0.1f, 0.9f, 0.0f}, {0.1f, 0.5f, 0.0f}},
                                       {{1.0f, 0.9f, 0.5f}, {1.0f, 1.0f, 0.5f}, {1.0f, 0.9f, 0.4f}, {1.4f, 0.9f, 0.4f}}});
  EXPECT_LT(max_distance(m.positions, expected), 1e-5) << m.positions;
  // An explicit scale wins over the centimetre guess.
  const auto metres = decode_bvh(kHandWritten, "hand.bvh", BvhReadOptions{1.0});
  EXPECT_NEAR(metres.positions[0][3][1].item<float>(), 50.0f, 1e-3);
  // Written back out (as ZXY, metres) it reads the same.
  EXPECT_LT(max_distance(decode_bvh(encode_bvh(m)).positions, m.positions), 1e-4);
}

TEST(Bvh, MapsSmplStyleNamesOntoSmpl22) {
  // SMPL's own names ("L_Hip"), a root above the pelvis and a hand below a wrist.
  const auto m = walking_motion(10, 20, 30);
  auto text = encode_bvh(m);
  for (const char* side : {"left", "right"})
    text = std::regex_replace(text, std::regex(std::string("(JOINT )") + side + "_([a-z0-9]+)"),
                              std::string("$1") + char(std::toupper(side[0])) + "_$2");
  text = std::regex_replace(text, std::regex("JOINT L_wrist\n(\t+)\\{\n(\t+OFFSET[^\n]*\n\t+CHANNELS[^\n]*\n)"),
                            "JOINT L_wrist\n$1{\n$2$1\tJOINT L_hand\n$1\t{\n$1\t\tOFFSET 0 -0.08 0\n$1\t\tCHANNELS 0\n"
                            "$1\t\tEnd Site\n$1\t\t{\n$1\t\t\tOFFSET 0 -0.05 0\n$1\t\t}\n$1\t}\n");
  text = std::regex_replace(text, std::regex("ROOT pelvis\n"), "ROOT m_avg_root\n{\nOFFSET 0 0 0\nCHANNELS 0\nJOINT Pelvis\n");
  text = std::regex_replace(text, std::regex("\nMOTION\n"), "\n}\nMOTION\n");
  ASSERT_NE(text.find("JOINT L_hand"), std::string::npos);
  ASSERT_NE(text.find("JOINT R_knee"), std::string::npos);
  const auto back = decode_bvh(text, "smpl.bvh");
  EXPECT_EQ(back.skeleton.name, "smpl22");
  EXPECT_TRUE(same_layout(back.skeleton, smpl22()));
  EXPECT_LT(max_distance(back.positions, m.positions), 1e-4);
  EXPECT_LT(max_distance(forward_kinematics(back.skeleton, back.rotations, back.positions.select(1, 0)), back.positions), 1e-5);
}

TEST(Bvh, HostileInputIsOneInputErrorWithItsLine) {
  const std::string good = kHandWritten;
  auto with = [&](const std::string& from, const std::string& to) {
    auto text = good;
    text.replace(text.find(from), from.size(), to);
    return text;
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "ends where HIERARCHY"},
      {"HIERARCHY", "ends where ROOT"},
      {"GARBAGE\x01\xff", "expected HIERARCHY"},
      {with("OFFSET 0 10 0", "OFFSET 0 1x0 0"), "t.bvh:8: OFFSET value '1x0' is not a number"},
      {with("OFFSET 0 10 0", "OFFSET 0 nan 0"), "out of range"},
      {with("OFFSET 0 10 0", "OFFSET 0 1e400 0"), "not a number"},
      {with("OFFSET 0 10 0", "OFFSET 0 1e10 0"), "out of range"},
      {with("CHANNELS 3 Yrotation", "CHANNELS 7 Yrotation"), "over the limit of 6"},
      {with("CHANNELS 3 Yrotation Xrotation", "CHANNELS 3 Yrotation Yrotation"), "appears twice"},
      {with("Yrotation Xrotation Zrotation", "Yrotation Xrotation Wrotation"), "unknown channel"},
      {with("End Site", "End Sight"), "expected Site"},
      {with("Frames: 2", "Frames: -2"), "not a non-negative integer"},
      {with("Frames: 2", "Frames: 0"), "no frames"},
      {with("Frames: 2", "Frames: 99999999999999999999"), "over the limit"},
      {with("Frames: 2", "Frames: 900000"), "more than the rest of the file can hold"},
      {with("Frame Time: 0.0333333", "Frame Time: 0"), "frame time"},
      {with("Frame Time: 0.0333333", "Frame Time: nan"), "out of range"},
      {with("100 90 50 0 90 0 90 0 0 -90 0 0 0 0 0", "100 90 50 0 90"), "ends in frame 2 of 2"},
      {with("-90 0 0 0 0 0\n", "-90 0 0 0 0 0 7\n"), "more values than Frames: 2"},
      {with("-90 0 0 0 0 0", "-90 0 0 0 0 zero"), "t.bvh:34: a motion value 'zero' is not a number"},
      {with("MOTION", "ROOT Other"), "expected MOTION"},
      {with("MOTION\n", ""), "expected MOTION"},
      {with("JOINT Spine", "JOINT"), "without a name"},
  };
  for (const auto& [text, needle] : cases) {
    const auto error = decode_error(text);
    EXPECT_NE(error.find(needle), std::string::npos) << "wanted '" << needle << "', got '" << error << "'";
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    EXPECT_EQ(error.rfind("t.bvh:", 0), 0u) << error;
  }
  // Every truncation is either a complete file or one InputError, never a crash.
  for (size_t n = 0; n < good.size(); ++n) {
    try {
      decode_bvh(good.substr(0, n), "t.bvh");
    } catch (const gen::InputError&) {
    }
  }
}

TEST(Bvh, LimitsBoundWhatAFileCanAsk) {
  const std::string good = kHandWritten;
  BvhReadOptions small;
  small.max_bytes = 100;
  EXPECT_NE(decode_error(good, small).find("100-byte limit"), std::string::npos);
  small = {};
  small.max_joints = 3;
  EXPECT_NE(decode_error(good, small).find("more than 3 joints"), std::string::npos);
  small = {};
  small.max_joint_frames = 5;
  EXPECT_NE(decode_error(good, small).find("joint-frames"), std::string::npos);
  // Nesting is refused at the limit, and parsed without recursion far beyond it.
  auto chain = [](int depth) {
    std::string text = "HIERARCHY\nROOT j0\n{\nOFFSET 0 0 0\nCHANNELS 1 Yposition\n";
    for (int d = 1; d < depth; ++d) text += "JOINT j" + std::to_string(d) + "\n{\nOFFSET 0 0.001 0\n";
    text += "End Site\n{\nOFFSET 0 0.001 0\n}\n";
    for (int d = 0; d < depth; ++d) text += "}\n";
    return text + "MOTION\nFrames: 1\nFrame Time: 0.05\n1\n";
  };
  EXPECT_NE(decode_error(chain(300)).find("nested deeper than 256"), std::string::npos);
  BvhReadOptions deep;
  deep.max_depth = deep.max_joints = 20000;
  const auto m = decode_bvh(chain(5000), "deep.bvh", deep);
  EXPECT_EQ(m.skeleton.joint_count(), 5000);
  EXPECT_NEAR(m.positions[0][4999][1].item<float>(), 1 + 4999 * 0.001, 1e-3);
  EXPECT_THROW(read_bvh("/nonexistent/walk.bvh"), gen::InputError);
  gen::test::TempDir dir;
  EXPECT_THROW(read_bvh(dir.path()), gen::InputError);
}
