#include <gen/video/video.h>

#include <gen/error.h>

namespace gen::video {

void check_layout(const Video& video) {
  const auto& f = video.frames;
  if (!f.defined()) throw Error("a video needs frames, got an undefined tensor");
  if (f.dim() != 4 || f.scalar_type() != torch::kUInt8)
    throw Error("video frames must be uint8 [F, H, W, C], got " + std::string(c10::toString(f.scalar_type())) + " " +
                c10::str(f.sizes()));
  if (f.size(0) < 1 || f.size(1) < 1 || f.size(2) < 1)
    throw Error("a video needs at least one frame of at least 1x1 pixels, got " + c10::str(f.sizes()));
  const auto c = f.size(3);
  if (c != 1 && c != 3 && c != 4) throw Error("video frames need 1, 3 or 4 channels, got " + std::to_string(c));
  if (video.fps.num <= 0 || video.fps.den <= 0 || video.fps.value() < kMinFps || video.fps.value() > kMaxFps)
    throw Error("video frame rate " + std::to_string(video.fps.num) + "/" + std::to_string(video.fps.den) +
                " is out of range (0, 1000]");
}

Video from_signed_float(const torch::Tensor& fchw, FrameRate fps) {
  if (fchw.dim() != 4) throw UsageError("video tensor must be [F, C, H, W], got " + c10::str(fchw.sizes()));
  auto x = ((fchw.detach().to(torch::kFloat32).clamp(-1, 1) + 1) * 127.5).round();
  return {x.to(torch::kUInt8).permute({0, 2, 3, 1}).contiguous(), fps};
}

torch::Tensor to_signed_float(const Video& video) {
  return video.frames.permute({0, 3, 1, 2}).to(torch::kFloat32) / 127.5 - 1.0;
}

Video with_channels(const Video& video, int channels) {
  const auto c = video.channels();
  if (c == channels) return video;
  const auto& f = video.frames;
  auto rgb = c >= 3 ? f.narrow(3, 0, 3) : f.expand({-1, -1, -1, 3});
  if (channels == 3) return {rgb.contiguous(), video.fps};
  if (channels == 1) return {rgb.to(torch::kFloat32).mean(3, true).round().to(torch::kUInt8), video.fps};
  if (channels == 4) {
    auto alpha = c == 4 ? f.narrow(3, 3, 1) : torch::full({f.size(0), f.size(1), f.size(2), 1}, 255, torch::kUInt8);
    return {torch::cat({rgb, alpha}, 3).contiguous(), video.fps};
  }
  throw UsageError("unsupported channel count " + std::to_string(channels));
}

}  // namespace gen::video
