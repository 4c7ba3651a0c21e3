// The training clips' marking of a sequence's later actions (the frames
// `-O later_action_weight` weighs): only the second and later actions' frames, clamped
// to the clip, and zero on padding.
#include <gen/motion/humanml_features.h>

#include "test_util.h"
#include "train/training_clips.h"

using namespace motion_mdm;
using gen::humans::ActionSpan;

namespace {

std::vector<float> values(const torch::Tensor& t) {
  auto c = t.contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

}  // namespace

TEST(LaterActionFrames, MarkOnlyTheSecondAndLaterActions) {
  const std::vector<ActionSpan> sequence = {{2, 6, 1}, {6, 9, 2}, {10, 12, 1}};
  EXPECT_EQ(values(later_action_frames(sequence, 14)),
            (std::vector<float>{0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 1, 0, 0}));
  EXPECT_EQ(later_action_frames({{3, 10, 1}}, 12).sum().item<float>(), 0.f);  // one action: nothing marked
  EXPECT_EQ(later_action_frames({}, 5).sum().item<float>(), 0.f);
}

TEST(LaterActionFrames, SpansPastTheClipAreClamped) {
  // Features are one frame shorter than the positions the spans count.
  EXPECT_EQ(values(later_action_frames({{0, 3, 1}, {3, 8, 1}}, 6)), (std::vector<float>{0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(later_action_frames({{0, 3, 1}, {9, 12, 1}}, 6).sum().item<float>(), 0.f);
}

TEST(NormalizeClips, CarriesEachClipsLaterActionsPaddedWithZeros) {
  const int64_t d = gen::motion::kHumanMLFeatureSize;
  RawClips raw;
  raw.features = {torch::randn({5, d}), torch::randn({8, d})};
  raw.raw_rows = torch::cat(raw.features, 0);
  raw.captions = {{"a person jumps"}, {"a person walks, then jumps"}};
  raw.spans = {{{1, 4, 1}}, {{0, 4, 1}, {4, 7, 1}}};
  gen::motion::FeatureNormalizer normalizer(torch::zeros({d}), torch::ones({d}));
  auto clips = normalize_clips(raw, normalizer);
  ASSERT_EQ(clips.later_actions.sizes(), (torch::IntArrayRef{2, 8}));
  EXPECT_EQ(values(clips.later_actions[0]), (std::vector<float>(8, 0.f)));
  EXPECT_EQ(values(clips.later_actions[1]), (std::vector<float>{0, 0, 0, 0, 1, 1, 1, 0}));
}
