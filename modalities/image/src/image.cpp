#include <gen/image/image.h>

#include <gen/error.h>

namespace gen::image {

Image from_signed_float(const torch::Tensor& chw) {
  if (chw.dim() != 3) throw UsageError("image tensor must be [C, H, W]");
  auto x = ((chw.detach().to(torch::kFloat32).clamp(-1, 1) + 1) * 127.5).round();
  return {x.to(torch::kUInt8).permute({1, 2, 0}).contiguous()};
}

torch::Tensor to_signed_float(const Image& image) {
  return image.pixels.permute({2, 0, 1}).to(torch::kFloat32) / 127.5 - 1.0;
}

Image with_channels(const Image& image, int channels) {
  auto c = image.channels();
  if (c == channels) return image;
  auto rgb = c >= 3 ? image.pixels.narrow(2, 0, 3) : image.pixels.expand({-1, -1, 3});
  if (channels == 3) return {rgb.contiguous()};
  if (channels == 1) return {rgb.to(torch::kFloat32).mean(2, true).round().to(torch::kUInt8)};
  if (channels == 4) {
    auto alpha = c == 4 ? image.pixels.narrow(2, 3, 1)
                        : torch::full({image.height(), image.width(), 1}, 255, torch::kUInt8);
    return {torch::cat({rgb, alpha}, 2).contiguous()};
  }
  throw UsageError("unsupported channel count " + std::to_string(channels));
}

}  // namespace gen::image
