#include <gen/image/image.h>

#include <torch/nn/functional/conv.h>
#include <torch/nn/functional/padding.h>

#include <cmath>

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

Image gaussian_blur(const Image& image, double sigma) {
  if (!std::isfinite(sigma) || sigma > 100) throw UsageError("blur sigma must be a finite number of pixels <= 100");
  if (sigma <= 0) return image;
  namespace F = torch::nn::functional;
  const int radius = static_cast<int>(std::ceil(3 * sigma));
  const auto c = image.channels();
  auto x = torch::arange(-radius, radius + 1, torch::kFloat32);
  auto k1 = torch::exp(-x * x / (2 * sigma * sigma));
  k1 /= k1.sum();
  auto kernel = (k1.unsqueeze(1) * k1.unsqueeze(0)).expand({c, 1, 2 * radius + 1, 2 * radius + 1}).contiguous();
  auto chw = image.pixels.to(torch::kFloat32).permute({2, 0, 1}).unsqueeze(0);
  chw = F::pad(chw, F::PadFuncOptions({radius, radius, radius, radius}).mode(torch::kReplicate));
  auto out = F::conv2d(chw, kernel, F::Conv2dFuncOptions().groups(c));
  return {out.squeeze(0).permute({1, 2, 0}).round().clamp(0, 255).to(torch::kUInt8).contiguous()};
}

}  // namespace gen::image
