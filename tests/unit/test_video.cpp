// modalities/video value types: exact frame rates, the layout check, and the
// conversions between uint8 frames and the [-1, 1] float tensors networks use.
#include <gen/error.h>
#include <gen/video/video.h>

#include "video_util.h"

using gen::video::FrameRate;
using gen::video::Video;

TEST(FrameRate, FromDoubleKeepsIntegersNtscAndSimpleFractions) {
  EXPECT_EQ(FrameRate::from_double(24), (FrameRate{24, 1}));
  EXPECT_EQ(FrameRate::from_double(29.97), (FrameRate{30000, 1001}));
  EXPECT_EQ(FrameRate::from_double(30000.0 / 1001), (FrameRate{30000, 1001}));
  EXPECT_EQ(FrameRate::from_double(23.976), (FrameRate{24000, 1001}));
  EXPECT_EQ(FrameRate::from_double(12.5), (FrameRate{25, 2}));
  EXPECT_EQ(FrameRate::from_double(0.5), (FrameRate{1, 2}));
  EXPECT_EQ(FrameRate::from_double(1000), (FrameRate{1000, 1}));
  const auto third = FrameRate::from_double(10.0 / 3);
  EXPECT_EQ(third, (FrameRate{10, 3}));
  EXPECT_EQ(third.num, 10);
  for (double bad : {0.0, -1.0, 1000.5, std::nan(""), HUGE_VAL})
    EXPECT_THROW(FrameRate::from_double(bad), gen::UsageError) << bad;
}

TEST(FrameRate, ParseAndPrint) {
  EXPECT_EQ(FrameRate::parse("30000/1001"), (FrameRate{30000, 1001}));
  EXPECT_EQ(FrameRate::parse("60/2").num, 30);  // reduced
  EXPECT_EQ(FrameRate::parse("24"), (FrameRate{24, 1}));
  EXPECT_EQ(FrameRate::parse("12.5"), (FrameRate{25, 2}));
  for (const std::string bad : {"", "fast", "24fps", "1/0", "0/1", "-24", "/2", "2/", "3/-1", "5000/1", "1/2/3"})
    EXPECT_THROW(FrameRate::parse(bad), gen::UsageError) << bad;
  EXPECT_EQ((FrameRate{24, 1}).to_string(), "24");
  EXPECT_EQ((FrameRate{25, 2}).to_string(), "12.5");
  EXPECT_EQ((FrameRate{30000, 1001}).to_string(), "30000/1001");
  EXPECT_EQ(FrameRate::parse((FrameRate{30000, 1001}).to_string()), (FrameRate{30000, 1001}));
  EXPECT_NE((FrameRate{30000, 1001}), (FrameRate{30, 1}));
  EXPECT_EQ((FrameRate{60, 2}), (FrameRate{30, 1}));
}

TEST(Video, SignedFloatConversionRoundTrips) {
  const Video clip = gen::test::test_clip(3, 5, 7, {12, 1});
  auto f = gen::video::to_signed_float(clip);
  EXPECT_EQ(f.sizes(), (std::vector<int64_t>{3, 3, 5, 7}));  // [F, C, H, W]
  EXPECT_LE(f.max().item<float>(), 1.0f);
  EXPECT_GE(f.min().item<float>(), -1.0f);
  EXPECT_NEAR(f[1][0][2][3].item<float>(), clip.frames[1][2][3][0].item<uint8_t>() / 127.5 - 1, 1e-6);
  const Video back = gen::video::from_signed_float(f, clip.fps);
  EXPECT_TRUE(torch::equal(back.frames, clip.frames));
  EXPECT_EQ(back.fps, clip.fps);
  // Out-of-range values are clamped, not wrapped.
  auto loud = gen::video::from_signed_float(torch::full({1, 3, 2, 2}, 3.0), {24, 1});
  EXPECT_EQ(loud.frames.max().item<uint8_t>(), 255);
  EXPECT_THROW(gen::video::from_signed_float(torch::zeros({3, 2, 2}), {24, 1}), gen::UsageError);
}

TEST(Video, ChannelsAndDuration) {
  const Video rgb = gen::test::test_clip(4, 3, 3, {8, 1});
  EXPECT_EQ(rgb.duration(), 0.5);
  EXPECT_EQ(gen::video::with_channels(rgb, 4).frames.select(3, 3).min().item<uint8_t>(), 255);
  EXPECT_TRUE(torch::equal(gen::video::with_channels(gen::video::with_channels(rgb, 4), 3).frames, rgb.frames));
  const Video gray = gen::video::with_channels(rgb, 1);
  EXPECT_EQ(gray.channels(), 1);
  EXPECT_EQ(gen::video::with_channels(gray, 3).frames.select(3, 0).sizes(), gray.frames.select(3, 0).sizes());
  EXPECT_THROW(gen::video::with_channels(rgb, 2), gen::UsageError);
}

TEST(Video, CheckLayoutNamesWhatIsWrong) {
  EXPECT_NO_THROW(gen::video::check_layout(gen::test::test_clip(1, 1, 1)));
  auto message = [](const Video& v) {
    try {
      gen::video::check_layout(v);
    } catch (const gen::Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message({torch::zeros({1, 2, 2, 3}), {24, 1}}).find("uint8"), std::string::npos);
  EXPECT_NE(message({torch::zeros({0, 2, 2, 3}, torch::kUInt8), {24, 1}}).find("at least one frame"),
            std::string::npos);
  EXPECT_NE(message({torch::zeros({1, 2, 2, 5}, torch::kUInt8), {24, 1}}).find("channels"), std::string::npos);
  EXPECT_NE(message({torch::zeros({1, 2, 2, 3}, torch::kUInt8), {0, 1}}).find("rate"), std::string::npos);
  EXPECT_NE(message({torch::Tensor(), {24, 1}}).find("undefined"), std::string::npos);
}
