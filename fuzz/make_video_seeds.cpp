// Writes the video fuzzer's starting corpus into folder argv[1] with the project's own
// writers: small MP4, WebM and GIF clips (odd sizes, one frame, NTSC and fractional
// rates), so the fuzzer starts from every container and codec the reader accepts.
#include <cstdio>
#include <filesystem>
#include <string>

#include <gen/error.h>

#include "writers.h"

namespace {

gen::video::Video clip(int64_t frames, int64_t height, int64_t width, gen::video::FrameRate fps) {
  auto t = torch::arange(frames * height * width * 3, torch::kInt64).view({frames, height, width, 3});
  auto pixels = (t * 37 % 251).to(torch::kUInt8);  // varied but reproducible
  return {pixels.contiguous(), fps};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FOLDER\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  namespace d = gen::video::detail;
  try {
    d::write_mp4(dir / "seed-3f.mp4", clip(3, 16, 16, {24, 1}), {{{"parameters", "seed"}}});
    d::write_mp4(dir / "seed-odd.mp4", clip(2, 9, 15, {30000, 1001}), {});
    d::write_mp4(dir / "seed-1f.mp4", clip(1, 8, 8, {25, 2}), {});
    d::write_webm(dir / "seed-3f.webm", clip(3, 16, 16, {30, 1}), {{{"parameters", "seed"}}});
    d::write_webm(dir / "seed-odd.webm", clip(2, 7, 5, {24000, 1001}), {});
    d::write_gif(dir / "seed-3f.gif", clip(3, 12, 12, {10, 1}), {});
    d::write_gif(dir / "seed-1f.gif", clip(1, 5, 3, {30, 1}), {});
  } catch (const gen::Error& e) {
    std::fprintf(stderr, "make_video_seeds: %s\n", e.what());
    return 1;
  }
  return 0;
}
