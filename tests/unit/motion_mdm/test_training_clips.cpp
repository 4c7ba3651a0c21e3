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

// Which action each frame's text belongs to (segment_text): its own span's, the idle
// frames before the first and after the last to those, a gap blended across.
TEST(SpanWeights, EachFrameReadsItsActionAndGapsBlend) {
  const auto w = span_weights({{2, 5, 1}, {5, 8, 1}}, 10);
  ASSERT_EQ(w.sizes(), (torch::IntArrayRef{10, 2}));
  EXPECT_EQ(values(w.select(1, 0)), (std::vector<float>{1, 1, 1, 1, 1, 0, 0, 0, 0, 0}));
  EXPECT_TRUE(torch::allclose(w.sum(1), torch::ones({10})));
  const auto gap = span_weights({{0, 4, 1}, {7, 10, 1}}, 10);  // frames 4, 5, 6 lie between the actions
  EXPECT_EQ(values(gap.select(1, 0)).front(), 1.f);
  for (int64_t f = 4; f < 7; ++f) {
    EXPECT_GT(gap[f][0].item<float>(), 0.f) << f;
    EXPECT_GT(gap[f][1].item<float>(), gap[f - 1][1].item<float>()) << f;  // handing over frame by frame
  }
  EXPECT_EQ(gap[7][1].item<float>(), 1.f);
  EXPECT_TRUE(torch::allclose(gap.sum(1), torch::ones({10})));
  EXPECT_EQ(values(span_weights({{3, 6, 1}}, 4)), (std::vector<float>(4, 1.f)));  // one action: all its
  // A handover window centred on the boundary, as generation's keyframes blend.
  const auto soft = span_weights({{0, 5, 1}, {5, 10, 1}}, 10, 4);  // frames 3..6 hand over
  EXPECT_EQ(values(soft.select(1, 1)), (std::vector<float>{0, 0, 0, 0.125, 0.375, 0.625, 0.875, 1, 1, 1}));
  const auto three = span_weights({{0, 4, 1}, {4, 8, 1}, {8, 12, 1}}, 12, 2);
  EXPECT_TRUE(torch::allclose(three.sum(1), torch::ones({12})));
  EXPECT_EQ(values(three.select(1, 1)), (std::vector<float>{0, 0, 0, 0.25, 0.75, 1, 1, 0.75, 0.25, 0, 0, 0}));
  EXPECT_THROW(span_weights({}, 4), gen::ModelError);
}
