// motion_mdm's editing pieces: the --keep-frames / --keep-joints parsers, the feature
// indices a joint owns, the sampling mask, time resampling and the way back to the
// input's frame.
#include <gen/error.h>
#include <gen/motion/humanml_features.h>

#include "motion_mdm.h"
#include "test_util.h"

using namespace motion_mdm;

TEST(KeepFrames, ParsesCountsAndRefusesNonsense) {
  EXPECT_EQ(parse_keep_frames("10", 40), (std::pair<int64_t, int64_t>(10, 10)));
  EXPECT_EQ(parse_keep_frames("5:0", 40), (std::pair<int64_t, int64_t>(5, 0)));
  EXPECT_THROW(parse_keep_frames("20", 40), gen::UsageError);   // nothing left to generate
  EXPECT_THROW(parse_keep_frames("0", 40), gen::UsageError);    // nothing kept
  EXPECT_THROW(parse_keep_frames("-3", 40), gen::UsageError);
  EXPECT_THROW(parse_keep_frames("4:x", 40), gen::UsageError);
  EXPECT_THROW(parse_keep_frames("", 40), gen::UsageError);
}

TEST(KeepJoints, UpperAndLowerSplitTheBody) {
  auto lower = parse_keep_joints("lower"), upper = parse_keep_joints("upper");
  EXPECT_EQ(lower.size() + upper.size(), 22u);
  EXPECT_EQ(lower.front(), 0);  // the root belongs to the lower body
  EXPECT_EQ(parse_keep_joints("left_wrist,right_wrist"), (std::vector<int64_t>{20, 21}));
  EXPECT_THROW(parse_keep_joints("tail"), gen::UsageError);
  EXPECT_THROW(parse_keep_joints(""), gen::UsageError);
}

TEST(KeepJoints, EveryFeatureBelongsToExactlyOneJoint) {
  std::vector<int64_t> all(22);
  for (int64_t j = 0; j < 22; ++j) all[j] = j;
  auto indices = joint_feature_indices(all);
  std::sort(indices.begin(), indices.end());
  ASSERT_EQ(indices.size(), 263u);
  for (int64_t i = 0; i < 263; ++i) EXPECT_EQ(indices[i], i);
  // The lower body: root (4), 8 joints x (3 + 6), 9 joints x 3 velocities, 4 contacts.
  EXPECT_EQ(joint_feature_indices(parse_keep_joints("lower")).size(), 4u + 72u + 27u + 4u);
}

TEST(EditMask, ZeroWhereKept) {
  auto mask = edit_mask(20, {3, 2}, {});
  EXPECT_EQ(mask.sizes(), (std::vector<int64_t>{1, 263, 20}));
  EXPECT_EQ(mask.sum().item<float>(), 263 * 15);
  EXPECT_EQ(mask[0][7][2].item<float>(), 0);
  EXPECT_EQ(mask[0][7][3].item<float>(), 1);
  auto joints = edit_mask(20, {0, 0}, {0});
  EXPECT_EQ(joints[0][3][10].item<float>(), 0);   // root height kept
  EXPECT_EQ(joints[0][100][10].item<float>(), 1);
}

TEST(Resample, KeepsDurationAndEndpoints) {
  auto p = torch::arange(21, torch::kFloat32).reshape({21, 1, 1}).expand({21, 2, 3}).contiguous();  // 1 s at 20 fps
  auto at30 = resample_positions(p, 20, 30);
  ASSERT_EQ(at30.size(0), 31);
  EXPECT_FLOAT_EQ(at30[0][0][0].item<float>(), 0);
  EXPECT_FLOAT_EQ(at30[30][1][2].item<float>(), 20);
  EXPECT_NEAR(at30[15][0][0].item<float>(), 10, 1e-5);
  EXPECT_TRUE(torch::equal(resample_positions(p, 20, 20), p));
}

TEST(MotionStart, InputFrameUndoesACanonicalization) {
  MotionStart s;
  s.yaw = 0.7;
  s.translation = torch::tensor({1.0f, 0.2f, -3.0f});
  auto c = torch::randn({5, 22, 3});
  auto p = to_input_frame(s, c);
  // Distances are kept (a rigid motion) and the root's height moves by the translation.
  EXPECT_NEAR((p[0][3] - p[0][7]).norm().item<float>(), (c[0][3] - c[0][7]).norm().item<float>(), 1e-5);
  EXPECT_NEAR(p[2][0][1].item<float>(), c[2][0][1].item<float>() + 0.2f, 1e-5);
}
