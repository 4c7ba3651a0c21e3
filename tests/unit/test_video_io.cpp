// modalities/video writers: every format written and read back (frames, size, rate,
// pixel error), ffprobe's view of MP4/WebM, odd sizes, reproducible bytes, the GIF
// palette, the PNG folder, and the formats the generation host picks by extension.
#include <gen/error.h>
#include <gen/image/image_io.h>
#include <gen/video/video_formats.h>
#include <gen/video/video_io.h>

#include <nlohmann/json.hpp>

#include "test_util.h"
#include "video_util.h"

namespace fs = std::filesystem;
using gen::video::FrameRate;
using gen::video::Video;

namespace {

// ffprobe's description of the first video stream (counting decoded frames).
nlohmann::json probe(const fs::path& file) {
  auto r = gen::test::run_program({"/usr/bin/ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                                   "-show_entries",
                                   "stream=codec_name,width,height,pix_fmt,r_frame_rate,avg_frame_rate,nb_read_frames:"
                                   "format=format_name:format_tags",
                                   "-of", "json", file.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  auto stream = j.at("streams").at(0);
  stream["format"] = j.at("format");
  return stream;
}

// The top-level box types of an MP4 file, in order.
std::vector<std::string> mp4_boxes(const fs::path& file) {
  const std::string bytes = gen::test::file_bytes(file.string());
  std::vector<std::string> boxes;
  for (size_t at = 0; at + 8 <= bytes.size();) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + at);
    const uint32_t size = (uint32_t{p[0]} << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
    boxes.push_back(bytes.substr(at + 4, 4));
    if (size < 8) break;
    at += size;
  }
  return boxes;
}

struct Case {
  std::string extension;
  // Mean absolute error bound in levels (0 = lossless). On these clips 4:2:0 chroma alone
  // costs ~1.2 levels at 48x64 (the red square's edges); GIF's ordered dither ~4.5.
  double max_mean_error;
  bool exact_rate;        // GIF keeps hundredths of a second only
};

const Case kCases[] = {{".mp4", 3.0, true}, {".webm", 3.5, true}, {".gif", 6.0, false}, {".frames", 0.0, true}};

class VideoRoundTrip : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(VideoRoundTrip, KeepsFramesSizeRateAndPixels) {
  const Case& c = GetParam();
  gen::test::TempDir dir;
  for (auto [frames, height, width, fps] : {std::tuple{16, 48, 64, FrameRate{24, 1}},
                                            {9, 40, 56, FrameRate{30000, 1001}},
                                            {7, 32, 48, FrameRate{25, 2}},
                                            {1, 32, 48, FrameRate{30, 1}}}) {
    SCOPED_TRACE(c.extension + " " + std::to_string(frames) + " frames at " + fps.to_string());
    const auto path = dir / ("clip" + std::to_string(frames) + c.extension);
    const Video clip = gen::test::test_clip(frames, height, width, fps);
    gen::video::write_video(path, clip);
    const Video back = gen::video::read_video(path);
    ASSERT_EQ(back.frames.sizes(), clip.frames.sizes());
    if (c.exact_rate) {
      EXPECT_EQ(back.fps, fps) << back.fps.to_string();
    } else {
      EXPECT_NEAR(back.fps.value(), fps.value(), 0.05 * fps.value()) << back.fps.to_string();
    }
    const double error = gen::test::mean_abs_error(back.frames, clip.frames);
    if (c.max_mean_error == 0) {
      EXPECT_TRUE(torch::equal(back.frames, clip.frames));
    } else {
      EXPECT_LT(error, c.max_mean_error);
      // Every frame is close, not just the average: no frame lost, doubled or reordered.
      for (int64_t f = 0; f < frames; ++f)
        EXPECT_LT(gen::test::mean_abs_error(back.frames[f], clip.frames[f]), 1.5 * c.max_mean_error) << "frame " << f;
    }
  }
}

TEST_P(VideoRoundTrip, SameVideoGivesSameBytes) {
  const Case& c = GetParam();
  gen::test::TempDir dir;
  const Video clip = gen::test::test_clip(6, 24, 40, {30, 1});
  gen::video::write_video(dir / ("a" + c.extension), clip, {{{"parameters", "a red circle, seed 7"}}});
  gen::video::write_video(dir / ("b" + c.extension), clip, {{{"parameters", "a red circle, seed 7"}}});
  auto bytes = [](const fs::path& p) {
    if (!fs::is_directory(p)) return gen::test::file_bytes(p.string());
    std::string all;
    for (const auto& name : {"0000.png", "0003.png", "0005.png"}) all += gen::test::file_bytes((p / name).string());
    return all;
  };
  const std::string a = bytes(dir / ("a" + c.extension));
  EXPECT_GT(a.size(), 100u);
  EXPECT_EQ(a, bytes(dir / ("b" + c.extension)));
}

TEST_P(VideoRoundTrip, OddSizesComeBackExactly) {
  const Case& c = GetParam();
  gen::test::TempDir dir;
  for (auto [height, width] : {std::pair{17, 33}, {1, 1}, {5, 2}, {2, 7}}) {
    SCOPED_TRACE(c.extension + " " + std::to_string(width) + "x" + std::to_string(height));
    const auto path = dir / ("odd" + std::to_string(width) + "x" + std::to_string(height) + c.extension);
    const Video clip = gen::test::test_clip(3, height, width);
    gen::video::write_video(path, clip);
    const Video back = gen::video::read_video(path);
    EXPECT_EQ(back.frames.sizes(), clip.frames.sizes());
  }
}

TEST_P(VideoRoundTrip, GrayAndRgbaFramesAreWritten) {
  const Case& c = GetParam();
  gen::test::TempDir dir;
  for (int channels : {1, 4}) {
    const auto path = dir / ("c" + std::to_string(channels) + c.extension);
    const Video clip = gen::test::test_clip(4, 32, 48, {24, 1}, channels);
    gen::video::write_video(path, clip);
    const Video back = gen::video::read_video(path);
    EXPECT_EQ(back.frames.sizes(), (std::vector<int64_t>{4, 32, 48, 3})) << channels;  // readers return RGB
    const auto rgb = gen::video::with_channels(clip, 3).frames;
    if (c.max_mean_error == 0) {
      EXPECT_TRUE(torch::equal(back.frames, rgb)) << channels;
    } else {
      EXPECT_LT(gen::test::mean_abs_error(back.frames, rgb), c.max_mean_error) << channels;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, VideoRoundTrip, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return info.param.extension.substr(1); });

TEST(VideoFfprobe, Mp4IsH264Yuv420pWithTheIndexFirst) {
  gen::test::TempDir dir;
  gen::video::write_video(dir / "a.mp4", gen::test::test_clip(16, 48, 64, {24, 1}), {{{"parameters", "seed 3"}}});
  auto s = probe(dir / "a.mp4");
  EXPECT_EQ(s["codec_name"], "h264");
  EXPECT_EQ(s["pix_fmt"], "yuv420p");
  EXPECT_EQ(s["width"], 64);
  EXPECT_EQ(s["height"], 48);
  EXPECT_EQ(s["nb_read_frames"], "16");
  EXPECT_EQ(s["r_frame_rate"], "24/1");
  EXPECT_EQ(s["avg_frame_rate"], "24/1");
  EXPECT_EQ(s["format"]["tags"]["parameters"], "seed 3");
  // faststart: the index (moov) precedes the data (mdat), so a browser can start playing.
  auto boxes = mp4_boxes(dir / "a.mp4");
  auto moov = std::find(boxes.begin(), boxes.end(), "moov"), mdat = std::find(boxes.begin(), boxes.end(), "mdat");
  ASSERT_NE(moov, boxes.end());
  ASSERT_NE(mdat, boxes.end());
  EXPECT_LT(moov, mdat);
}

TEST(VideoFfprobe, FrameCountAndRateOfMp4AndWebm) {
  gen::test::TempDir dir;
  for (const std::string ext : {".mp4", ".webm"}) {
    for (auto [frames, fps, shown] : {std::tuple{10, FrameRate{30000, 1001}, "30000/1001"}, {1, FrameRate{8, 1}, "8/1"},
                                      {12, FrameRate{25, 2}, "25/2"}, {5, FrameRate{60, 1}, "60/1"}}) {
      SCOPED_TRACE(ext + " " + shown);
      const auto path = dir / ("r" + std::to_string(frames) + ext);
      gen::video::write_video(path, gen::test::test_clip(frames, 32, 48, fps));
      auto s = probe(path);
      EXPECT_EQ(s["nb_read_frames"], std::to_string(frames));
      EXPECT_EQ(s["avg_frame_rate"], shown);
      EXPECT_EQ(s["codec_name"], ext == ".mp4" ? "h264" : "vp9");
    }
  }
}

TEST(VideoFfprobe, OddSizesArePaddedInMp4AndExactInWebm) {
  gen::test::TempDir dir;
  const Video clip = gen::test::test_clip(3, 17, 33);
  gen::video::write_video(dir / "odd.mp4", clip);
  gen::video::write_video(dir / "odd.webm", clip);
  // H.264 4:2:0 codes even sizes only: one column and row more, recorded for our reader.
  auto mp4 = probe(dir / "odd.mp4");
  EXPECT_EQ(mp4["width"], 34);
  EXPECT_EQ(mp4["height"], 18);
  EXPECT_EQ(mp4["format"]["tags"]["gen_visible_size"], "33x17");
  auto webm = probe(dir / "odd.webm");
  EXPECT_EQ(webm["width"], 33);
  EXPECT_EQ(webm["height"], 17);
  // The reader crops the padding away; what remains is the picture (4:2:0 costs more on
  // a frame this small: ~3 levels, against ~1.2 at 48x64).
  const Video back = gen::video::read_video(dir / "odd.mp4");
  ASSERT_EQ(back.frames.sizes(), clip.frames.sizes());
  EXPECT_LT(gen::test::mean_abs_error(back.frames, clip.frames), 5.0);
}

TEST(VideoGif, PaletteFitsTheClipNotAFixedCube) {
  // A gradient of subtle blues: 60 levels in each of two channels. A fixed 6x7x6 colour
  // cube has steps of ~40 levels here and errs by ~10 on average; a palette made from
  // the clip puts its 256 colours inside this range.
  const int64_t h = 48, w = 64;
  auto y = torch::linspace(0, 1, h).view({h, 1});
  auto x = torch::linspace(0, 1, w).view({1, w});
  auto r = torch::full({h, w}, 20.0);
  auto g = (90 + 60 * y).expand({h, w});
  auto b = (150 + 60 * x).expand({h, w});
  auto frame = torch::stack({r, g, b}, 2).round().to(torch::kUInt8);
  Video clip{frame.unsqueeze(0).expand({4, h, w, 3}).contiguous(), {10, 1}};
  gen::test::TempDir dir;
  gen::video::write_video(dir / "g.gif", clip);
  const Video back = gen::video::read_video(dir / "g.gif");
  ASSERT_EQ(back.frames.sizes(), clip.frames.sizes());
  EXPECT_LT(gen::test::mean_abs_error(back.frames, clip.frames), 2.0);
  // The dither is ordered, not error diffusion: a still scene gives identical frames.
  EXPECT_TRUE(torch::equal(back.frames[0], back.frames[3]));
  EXPECT_EQ(back.fps, (FrameRate{10, 1}));
}

TEST(VideoGif, RateSurvivesCentisecondDelays) {
  gen::test::TempDir dir;
  for (auto fps : {FrameRate{24, 1}, FrameRate{30, 1}, FrameRate{15, 1}, FrameRate{8, 1}, FrameRate{25, 2}}) {
    gen::video::write_video(dir / "r.gif", gen::test::test_clip(30, 8, 8, fps));
    EXPECT_EQ(gen::video::read_video(dir / "r.gif").fps, fps) << fps.to_string();
  }
}

TEST(VideoFrames, FolderOfNumberedPngsWithTheRate) {
  gen::test::TempDir dir;
  const Video clip = gen::test::test_clip(12, 10, 14, {30000, 1001}, 4);
  gen::video::write_video(dir / "clip.frames", clip, {{{"parameters", "a blue square"}}});
  ASSERT_TRUE(fs::is_directory(dir / "clip.frames"));
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir / "clip.frames")) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  ASSERT_EQ(names.size(), 12u);
  EXPECT_EQ(names.front(), "0000.png");
  EXPECT_EQ(names.back(), "0011.png");
  // Every frame is an ordinary PNG (alpha kept) with the rate and the text.
  auto frame = gen::image::read_image(dir / "clip.frames" / "0005.png");
  EXPECT_TRUE(torch::equal(frame.pixels, clip.frames[5]));
  auto text = gen::image::read_png_text(dir / "clip.frames" / "0011.png");
  EXPECT_EQ(text.at("fps"), "30000/1001");
  EXPECT_EQ(text.at("parameters"), "a blue square");
  EXPECT_EQ(gen::video::read_video(dir / "clip.frames").fps, (FrameRate{30000, 1001}));
}

TEST(VideoWrite, UnknownExtensionIsAUsageErrorAndBadDataLeavesNoFile) {
  gen::test::TempDir dir;
  const Video clip = gen::test::test_clip(2, 8, 8);
  EXPECT_THROW(gen::video::write_video(dir / "a.avi", clip), gen::UsageError);
  gen::test::write_text(dir / "keep.mp4", "old");
  for (const auto& bad : {torch::zeros({2, 8, 8, 3}, torch::kFloat32), torch::zeros({8, 8, 3}, torch::kUInt8),
                          torch::zeros({0, 8, 8, 3}, torch::kUInt8), torch::zeros({2, 8, 8, 2}, torch::kUInt8)}) {
    EXPECT_THROW(gen::video::write_video(dir / "keep.mp4", {bad, {24, 1}}), gen::Error) << bad.sizes();
    EXPECT_THROW(gen::video::write_video(dir / "new.frames", {bad, {24, 1}}), gen::Error) << bad.sizes();
  }
  EXPECT_THROW(gen::video::write_video(dir / "keep.mp4", {clip.frames, {0, 1}}), gen::Error);
  EXPECT_EQ(gen::test::read_text(dir / "keep.mp4"), "old");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(VideoFormats, HostWritesEveryExtensionWithTheSampleRate) {
  gen::OutputFormats formats;
  gen::video::add_video_formats(formats);
  EXPECT_EQ(formats.extensions(gen::Modality::video),
            (std::vector<std::string>{".mp4", ".webm", ".gif", ".frames"}));
  EXPECT_EQ(formats.find("x.mp4", gen::Modality::image), nullptr);
  gen::test::TempDir dir;
  gen::Sample sample;
  sample.data = gen::test::test_clip(5, 16, 16).frames;
  sample.text["parameters"] = "a green triangle";
  for (auto [fps, expected] : {std::pair{nlohmann::json(12), FrameRate{12, 1}},
                               {nlohmann::json("24000/1001"), FrameRate{24000, 1001}},
                               {nlohmann::json(nullptr), FrameRate{8, 1}}}) {  // previews carry no rate
    sample.metadata = nlohmann::json::object();
    if (!fps.is_null()) sample.metadata["fps"] = fps;
    for (const std::string ext : {".mp4", ".webm", ".frames"}) {
      const auto path = dir / ("s" + std::to_string(expected.num) + ext);
      const auto* writer = formats.find(path, gen::Modality::video);
      ASSERT_NE(writer, nullptr) << ext;
      (*writer)(path, sample.data, sample);
      EXPECT_EQ(gen::video::read_video(path).fps, expected) << ext << " " << fps.dump();
    }
  }
  sample.metadata["fps"] = "fast";
  EXPECT_THROW((*formats.find("x.mp4", gen::Modality::video))(dir / "x.mp4", sample.data, sample), gen::UsageError);
  EXPECT_THROW((*formats.find("x.mp4", gen::Modality::video))(dir / "x.mp4", sample.data.select(3, 0), sample),
               gen::Error);
}
