// modalities/video readers on bad input: truncated, garbage, hostile and over-limit
// files are one gen::InputError each (exit 3 through the CLI), never a crash or a hang;
// image sequences in folders; reading from memory.
#include <gen/error.h>
#include <gen/image/image_io.h>
#include <gen/video/video_io.h>

#include <sys/resource.h>

#include <chrono>

#include "test_util.h"
#include "video_util.h"

namespace fs = std::filesystem;
using gen::video::FrameRate;
using gen::video::Video;

namespace {

// The InputError's message, or "" when reading succeeded or threw something else.
std::string input_error(const std::function<void()>& read) {
  try {
    read();
  } catch (const gen::InputError& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("wrong exception: ") + e.what();
  }
  return "";
}

std::string written(const std::string& extension, int frames = 12) {
  gen::test::TempDir dir;
  gen::video::write_video(dir / ("clip" + extension), gen::test::test_clip(frames, 32, 48, {24, 1}));
  return gen::test::file_bytes((dir / ("clip" + extension)).string());
}

}  // namespace

TEST(VideoReader, TruncatedFilesAreInputErrors) {
  for (const std::string ext : {".mp4", ".webm", ".gif"}) {
    const std::string bytes = written(ext);
    ASSERT_GT(bytes.size(), 200u);
    // Cuts inside the headers, inside the frame data and one byte short of the end,
    // except for WebM, whose last bytes are an index (Cues) that holds no frame.
    std::vector<size_t> cuts = {0, 4, 20, bytes.size() / 10, bytes.size() / 3, bytes.size() / 2, bytes.size() * 9 / 10};
    if (ext != ".webm") cuts.push_back(bytes.size() - 1);
    for (size_t cut : cuts) {
      const auto message = input_error([&] { gen::video::read_video_memory(bytes.substr(0, cut), {}, "clip" + ext); });
      EXPECT_NE(message, "") << ext << " cut at " << cut << " of " << bytes.size();
      EXPECT_EQ(message.find("wrong exception"), std::string::npos) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;  // one line
      EXPECT_EQ(message.rfind("clip" + ext + ": ", 0), 0u) << message;  // names the file
    }
    EXPECT_EQ(gen::video::read_video_memory(bytes).frame_count(), 12) << ext;
  }
}

TEST(VideoReader, TruncatedFileOnDiskNamesItAndSaysTruncated) {
  gen::test::TempDir dir;
  const std::string bytes = written(".mp4");
  gen::test::write_text(dir / "cut.mp4", bytes.substr(0, bytes.size() * 2 / 3));
  const auto message = input_error([&] { gen::video::read_video(dir / "cut.mp4"); });
  EXPECT_NE(message.find("cut.mp4"), std::string::npos) << message;
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
}

TEST(VideoReader, GarbageAndNonVideoFilesAreInputErrors) {
  gen::test::TempDir dir;
  gen::test::write_text(dir / "text.mp4", "this is not a video, just some text that claims to be one\n");
  gen::test::write_text(dir / "empty.webm", "");
  std::string noise(4096, '\0');
  uint32_t state = 12345;
  for (auto& c : noise) c = static_cast<char>((state = state * 1664525u + 1013904223u) >> 24);
  gen::test::write_text(dir / "noise.gif", noise);
  // Right magic, wrong insides.
  gen::test::write_text(dir / "magic.gif", "GIF89a" + noise.substr(0, 100));
  gen::test::write_text(dir / "magic.mp4", std::string("\0\0\0\x20" "ftypisom", 12) + noise.substr(0, 300));
  gen::test::write_text(dir / "magic.webm", std::string("\x1a\x45\xdf\xa3", 4) + noise.substr(0, 300));
  gen::image::write_png(dir / "image.png", {torch::zeros({4, 4, 3}, torch::kUInt8)});
  for (const auto& name : {"text.mp4", "empty.webm", "noise.gif", "magic.gif", "magic.mp4", "magic.webm", "image.png",
                           "missing.mp4"}) {
    const auto message = input_error([&] { gen::video::read_video(dir / name); });
    EXPECT_NE(message, "") << name;
    EXPECT_EQ(message.find("wrong exception"), std::string::npos) << message;
    EXPECT_NE(message.find(name), std::string::npos) << message;
  }
  EXPECT_NE(input_error([] { gen::video::read_video_memory(""); }), "");
}

TEST(VideoReader, LimitsStopOversizedClips) {
  const std::string bytes = written(".mp4", 12);
  gen::video::ReadLimits few_frames;
  few_frames.max_frames = 11;
  EXPECT_NE(input_error([&] { gen::video::read_video_memory(bytes, few_frames); }).find("more than 11 frames"),
            std::string::npos);
  gen::video::ReadLimits small_frames;
  small_frames.max_frame_pixels = 32 * 47;
  EXPECT_NE(input_error([&] { gen::video::read_video_memory(bytes, small_frames); }).find("pixels"), std::string::npos);
  gen::video::ReadLimits few_bytes;
  few_bytes.max_bytes = 32 * 48 * 3 * 11;
  EXPECT_NE(input_error([&] { gen::video::read_video_memory(bytes, few_bytes); }).find("limit"), std::string::npos);
  gen::video::ReadLimits exact;
  exact.max_frames = 12;
  exact.max_frame_pixels = 32 * 48;
  exact.max_bytes = 32 * 48 * 3 * 12;
  EXPECT_EQ(gen::video::read_video_memory(bytes, exact).frame_count(), 12);
}

TEST(VideoReader, HostileHeaderClaimingAHugeFrameIsRefusedQuickly) {
  // A GIF whose screen and image claim 65535 x 65535 pixels, with a tiny body.
  std::string gif = "GIF89a";
  gif += std::string("\xff\xff\xff\xff\x00\x00\x00", 7);
  gif += std::string("\x2c\x00\x00\x00\x00\xff\xff\xff\xff\x00", 10);
  gif += std::string("\x02\x02\x44\x01\x00\x3b", 6);
  const auto start = std::chrono::steady_clock::now();
  const auto message = input_error([&] { gen::video::read_video_memory(gif, {}, "huge.gif"); });
  EXPECT_NE(message, "");
  EXPECT_EQ(message.find("wrong exception"), std::string::npos) << message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

// Peak resident memory of this process so far, in MiB.
long peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

TEST(VideoReader, HostileMetadataCountCannotReserveGigabytes) {
  // Found by fuzz/video_fuzz.cpp: FFmpeg 5.1 sizes an MP4's metadata key table from the
  // count in its 'keys' box and zeroes it, so 2 KB can cost 1.2 GB. The library caps
  // FFmpeg's allocations; the read fails cleanly and memory stays put.
  std::string bytes;
  {
    gen::test::TempDir dir;
    gen::video::write_video(dir / "k.mp4", gen::test::test_clip(2, 16, 16), {{{"parameters", "x"}}});
    bytes = gen::test::file_bytes((dir / "k.mp4").string());
  }
  const auto keys = bytes.find("keys");
  ASSERT_NE(keys, std::string::npos);
  bytes.replace(keys + 8, 4, std::string("\x09\x00\x00\x00", 4));  // entry count 150994944
  const long before = peak_rss_mib();
  const auto message = input_error([&] { gen::video::read_video_memory(bytes, {}, "keys.mp4"); });
  EXPECT_NE(message, "");
  EXPECT_EQ(message.find("wrong exception"), std::string::npos) << message;
  EXPECT_LT(peak_rss_mib() - before, 256);
}

TEST(VideoReader, ImageFoldersAreReadInNumberOrder) {
  gen::test::TempDir dir;
  fs::create_directory(dir / "seq");
  // frame_2 must come before frame_10 although it sorts after it as text.
  for (int i : {10, 2, 1, 33}) {
    auto pixels = torch::full({6, 5, 3}, i, torch::kUInt8);
    gen::image::write_png(dir / "seq" / ("frame_" + std::to_string(i) + ".png"), {pixels});
  }
  gen::test::write_text(dir / "seq" / "notes.txt", "not a frame");
  const Video v = gen::video::read_video(dir / "seq", {}, FrameRate{12, 1});
  ASSERT_EQ(v.frames.sizes(), (std::vector<int64_t>{4, 6, 5, 3}));
  std::vector<int> order;
  for (int64_t f = 0; f < 4; ++f) order.push_back(v.frames[f][0][0][0].item<int>());
  EXPECT_EQ(order, (std::vector<int>{1, 2, 10, 33}));
  EXPECT_EQ(v.fps, (FrameRate{12, 1}));  // no "fps" text: the caller's rate
}

TEST(VideoReader, BadImageFoldersAreInputErrors) {
  gen::test::TempDir dir;
  fs::create_directory(dir / "empty");
  EXPECT_NE(input_error([&] { gen::video::read_video(dir / "empty"); }).find("no PNG or JPEG"), std::string::npos);
  fs::create_directory(dir / "sizes");
  gen::image::write_png(dir / "sizes" / "0.png", {torch::zeros({4, 4, 3}, torch::kUInt8)});
  gen::image::write_png(dir / "sizes" / "1.png", {torch::zeros({4, 5, 3}, torch::kUInt8)});
  EXPECT_NE(input_error([&] { gen::video::read_video(dir / "sizes"); }).find("1.png"), std::string::npos);
  fs::create_directory(dir / "broken");
  gen::image::write_png(dir / "broken" / "0.png", {torch::zeros({4, 4, 3}, torch::kUInt8)});
  gen::test::write_text(dir / "broken" / "1.png", "\x89PNG\r\n\x1a\n not really");
  EXPECT_NE(input_error([&] { gen::video::read_video(dir / "broken"); }).find("1.png"), std::string::npos);
  fs::create_directory(dir / "many");
  for (int i = 0; i < 3; ++i)
    gen::image::write_png(dir / "many" / (std::to_string(i) + ".png"), {torch::zeros({2, 2, 3}, torch::kUInt8)});
  gen::video::ReadLimits two;
  two.max_frames = 2;
  EXPECT_NE(input_error([&] { gen::video::read_video(dir / "many", two); }).find("more than 2"), std::string::npos);
  gen::image::write_png(dir / "rate.png", {torch::zeros({2, 2, 3}, torch::kUInt8)}, {{"fps", "fast"}});
  fs::create_directory(dir / "rate");
  fs::rename(dir / "rate.png", dir / "rate" / "0.png");
  EXPECT_NE(input_error([&] { gen::video::read_video(dir / "rate"); }).find("fps"), std::string::npos);
}

TEST(VideoReader, MemoryAndFileReadsAgree) {
  gen::test::TempDir dir;
  gen::video::write_video(dir / "a.webm", gen::test::test_clip(5, 16, 16, {15, 1}));
  const Video from_file = gen::video::read_video(dir / "a.webm");
  const Video from_memory = gen::video::read_video_memory(gen::test::file_bytes((dir / "a.webm").string()));
  EXPECT_TRUE(torch::equal(from_file.frames, from_memory.frames));
  EXPECT_EQ(from_file.fps, from_memory.fps);
}
