// The stick-figure renderer: size, colours by side, a camera that follows the root.
#include <gtest/gtest.h>

#include <gen/error.h>
#include <gen/motion/stick_figure.h>

#include "motion_fixtures.h"

using namespace gen::motion;

namespace {

// Pixels [H, W] of frame f close to an RGB colour.
torch::Tensor near_color(const torch::Tensor& frames, int64_t f, int r, int g, int b) {
  auto px = frames[f].to(torch::kInt32);
  auto diff = (px - torch::tensor({r, g, b}, torch::kInt32)).abs().amax(-1);
  return diff < 25;
}

// The mean pixel column and row of a mask.
std::pair<double, double> centroid(const torch::Tensor& mask) {
  auto idx = mask.nonzero().to(torch::kFloat64);
  return {idx.select(1, 1).mean().item<double>(), idx.select(1, 0).mean().item<double>()};
}

}  // namespace

TEST(StickFigure, DrawsLeftBlueRightRedAndFollowsTheRoot) {
  const auto m = gen::test::walking_motion(40, 20, 0);  // 2 m straight ahead
  const auto frames = render_stick_figure(m);
  ASSERT_EQ(frames.sizes(), (std::vector<int64_t>{40, 320, 320, 3}));
  ASSERT_EQ(frames.scalar_type(), torch::kUInt8);
  for (int64_t f : {0, 39}) {
    const auto left = near_color(frames, f, 33, 102, 172), right = near_color(frames, f, 214, 64, 52);
    EXPECT_GT(left.sum().item<int64_t>(), 200) << "frame " << f;
    EXPECT_GT(right.sum().item<int64_t>(), 200) << "frame " << f;
    // The figure stays in the middle while it walks 2 m.
    const auto [x, y] = centroid(left | right);
    EXPECT_NEAR(x, 160, 40) << "frame " << f;
    EXPECT_NEAR(y, 160, 60) << "frame " << f;
    // Mostly background.
    EXPECT_GT(near_color(frames, f, 246, 246, 243).sum().item<int64_t>(), 320 * 320 / 2);
  }
  // Frames differ (limbs move, the grid slides), and edges are anti-aliased: values
  // between background and bone colours exist.
  EXPECT_GT((frames[0].to(torch::kInt32) - frames[20].to(torch::kInt32)).abs().sum().item<int64_t>(), 10000);
  const auto reds = frames[0].select(-1, 0).to(torch::kInt32);
  EXPECT_GT(((reds > 60) & (reds < 200)).sum().item<int64_t>(), 50);
}

TEST(StickFigure, ViewsFromTheLeftFrontShowTheLeftSideNearer) {
  // Azimuth 90: the camera on the character's left (+x): its left arm is drawn over the
  // right one, so more blue than red shows; from -90 the other way round.
  auto m = gen::test::walking_motion(1, 20, 0);
  StickFigureOptions o;
  o.azimuth = 90;
  o.elevation = 0;
  auto from_left = render_stick_figure(m, o);
  o.azimuth = -90;
  auto from_right = render_stick_figure(m, o);
  auto blue = [&](const torch::Tensor& f) { return near_color(f, 0, 33, 102, 172).sum().item<int64_t>(); };
  auto red = [&](const torch::Tensor& f) { return near_color(f, 0, 214, 64, 52).sum().item<int64_t>(); };
  EXPECT_GT(blue(from_left), red(from_left));
  EXPECT_GT(red(from_right), blue(from_right));
}

TEST(StickFigure, RefusesBadOptions) {
  const auto m = gen::test::walking_motion(2);
  StickFigureOptions o;
  o.width = 8;
  EXPECT_THROW(render_stick_figure(m, o), gen::UsageError);
  o = {};
  o.elevation = 90;
  EXPECT_THROW(render_stick_figure(m, o), gen::UsageError);
  o = {};
  o.width = o.height = 4096;
  auto long_motion = gen::test::walking_motion(2);
  long_motion.positions = long_motion.positions.repeat({25, 1, 1});
  long_motion.rotations = torch::Tensor();
  EXPECT_THROW(render_stick_figure(long_motion, o), gen::UsageError);
}
