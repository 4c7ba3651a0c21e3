// The motion stage's loss on what moves: it sees the change over the frames and nothing
// the frames share.
#include <gtest/gtest.h>

#include <gen/error.h>

#include "train/frame_change_loss.h"

namespace {

using video_temporal::frame_change_loss;

TEST(FrameChangeLoss, AnEstimateThatDiffersByTheSameFrameEverywhereCostsNothing) {
  auto clip = torch::randn({2, 4, 6, 5, 5});
  auto same_frame_everywhere = torch::randn({2, 4, 1, 5, 5});
  EXPECT_NEAR(frame_change_loss(clip + same_frame_everywhere, clip).item<double>(), 0.0, 1e-10);
  EXPECT_GT(torch::mean((clip + same_frame_everywhere - clip).pow(2)).item<double>(), 0.5);  // a plain MSE would see it
}

// A still estimate of a clip in which one pixel lights up in the last frame: the loss is
// the mean square of that clip's change over the frames.
TEST(FrameChangeLoss, AStillEstimateOfAMovingClipCostsItsChange) {
  auto clip = torch::zeros({1, 1, 4, 2, 2});
  clip[0][0][3][1][1] = 4.0;  // mean frame: 1 at that pixel; change: -1, -1, -1, 3
  auto still = torch::zeros_like(clip);
  EXPECT_NEAR(frame_change_loss(still, clip).item<double>(), (1 + 1 + 1 + 9) / 16.0, 1e-6);
  // Moving the wrong way costs more than not moving.
  auto wrong = torch::zeros_like(clip);
  wrong[0][0][0][1][1] = 4.0;
  EXPECT_GT(frame_change_loss(wrong, clip).item<double>(), frame_change_loss(still, clip).item<double>());
  EXPECT_NEAR(frame_change_loss(clip, clip).item<double>(), 0.0, 1e-10);
}

TEST(FrameChangeLoss, ShapesThatAreNotClipsAreRefused) {
  EXPECT_THROW(frame_change_loss(torch::zeros({2, 4, 5, 5}), torch::zeros({2, 4, 5, 5})), gen::UsageError);
  EXPECT_THROW(frame_change_loss(torch::zeros({1, 1, 4, 2, 2}), torch::zeros({1, 1, 3, 2, 2})), gen::UsageError);
}

}  // namespace
