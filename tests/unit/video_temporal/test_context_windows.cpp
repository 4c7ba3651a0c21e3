// Sliding context windows: which frames each window covers, how predictions blend, and
// that windows change nothing when frames do not interact (motion modules at zero).
#include <gen/error.h>
#include <gen/nn/unet_motion_model.h>

#include "test_util.h"
#include "tiny_motion_unet.h"
#include "video_temporal.h"

namespace {

using video_temporal::context_windows;

TEST(ContextWindows, OneWindowWhenTheClipFits) {
  const auto w = context_windows(16, 16, 4);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].start, 0);
  EXPECT_EQ(w[0].length, 16);
  EXPECT_EQ(context_windows(5, 16, 4)[0].length, 5);
}

TEST(ContextWindows, CoverEveryFrameWithTheOverlapAndEndAtTheLastFrame) {
  for (int64_t frames : {17, 30, 64, 100})
    for (int64_t overlap : {0, 4, 8}) {
      const auto windows = context_windows(frames, 16, overlap);
      std::vector<int> seen(static_cast<size_t>(frames), 0);
      for (const auto& w : windows) {
        EXPECT_EQ(w.length, 16);
        for (int64_t f = w.start; f < w.start + w.length; ++f) ++seen[static_cast<size_t>(f)];
      }
      for (int s : seen) EXPECT_GE(s, 1);
      EXPECT_EQ(windows.back().start + 16, frames);
      for (size_t i = 1; i + 1 < windows.size(); ++i) EXPECT_EQ(windows[i].start - windows[i - 1].start, 16 - overlap);
      if (overlap > 0)
        for (size_t i = 1; i < windows.size(); ++i) EXPECT_GE(windows[i - 1].start + 16 - windows[i].start, overlap);
    }
}

TEST(ContextWindows, BadOverlapIsAUsageError) {
  EXPECT_THROW(context_windows(40, 16, 16), gen::UsageError);
  EXPECT_THROW(context_windows(0, 16, 4), gen::UsageError);
}

TEST(ContextWindows, WeightsPeakMidWindow) {
  const auto w = video_temporal::window_weights(6);
  EXPECT_TRUE(torch::equal(w, torch::tensor({1.f, 2.f, 3.f, 3.f, 2.f, 1.f})));
}

gen::nn::UNetMotionModel tiny_motion_unet(bool zero_motion) {
  torch::manual_seed(5);
  auto model = gen::nn::from_unet_and_adapter(gen::nn::UNet2DConditionModel(gen::test::tiny_motion_unet_config()),
                                              gen::nn::MotionAdapter(gen::test::tiny_motion_adapter_config()));
  if (zero_motion) {
    torch::NoGradGuard g;
    for (auto& p : model->named_parameters())
      if (p.key().find("motion_modules") != std::string::npos && p.key().find(".proj_out.") != std::string::npos)
        p.value().zero_();
  }
  return model;
}

// Frames that never interact get the same prediction from any window: the blend of
// identical predictions is that prediction.
TEST(MotionDenoiser, WindowsAreExactWhenFramesAreIndependent) {
  auto model = tiny_motion_unet(true);
  torch::NoGradGuard g;
  gen::Conditioning cond;
  cond.context = torch::randn({1, 3, 16});
  auto x = torch::randn({1, 4, 20, 8, 8});
  auto t = torch::tensor({500});
  video_temporal::MotionDenoiser overlapping(model, gen::PredictionType::epsilon, 8, 3, false);
  video_temporal::MotionDenoiser short_windows(model, gen::PredictionType::epsilon, 5, 2, false);
  video_temporal::MotionDenoiser side_by_side(model, gen::PredictionType::epsilon, 4, 0, false);
  const auto want = side_by_side.predict(x, t, cond);
  EXPECT_TRUE(torch::allclose(overlapping.predict(x, t, cond), want, 1e-4, 1e-4));
  EXPECT_TRUE(torch::allclose(short_windows.predict(x, t, cond), want, 1e-4, 1e-4));
}

TEST(MotionDenoiser, WindowsChangeInteractingFramesAndOneClipAtATimeChangesNothing) {
  auto model = tiny_motion_unet(false);
  torch::NoGradGuard g;
  gen::Conditioning cond;
  cond.context = torch::randn({2, 3, 16});
  auto x = torch::randn({2, 4, 6, 8, 8});
  auto t = torch::tensor({500, 20});
  video_temporal::MotionDenoiser batched(model, gen::PredictionType::epsilon, 6, 0, false);
  video_temporal::MotionDenoiser one_at_a_time(model, gen::PredictionType::epsilon, 6, 0, true);
  video_temporal::MotionDenoiser windowed(model, gen::PredictionType::epsilon, 4, 2, false);
  const auto want = batched.predict(x, t, cond);
  EXPECT_TRUE(torch::allclose(one_at_a_time.predict(x, t, cond), want, 1e-4, 1e-4));
  EXPECT_FALSE(torch::allclose(windowed.predict(x, t, cond), want, 1e-3, 1e-3));
}

}  // namespace
