// The image value type of gen: an 8-bit RGB(A) raster held in a tensor, plus the
// conversions between it and the [-1, 1] float tensors networks work in.
#pragma once
#include <torch/types.h>

#include <gen/export.h>

namespace gen::image {

// pixels: uint8 [H, W, C], C = 1 (gray), 3 (RGB) or 4 (RGBA), contiguous.
struct Image {
  torch::Tensor pixels;
  int64_t height() const { return pixels.size(0); }
  int64_t width() const { return pixels.size(1); }
  int64_t channels() const { return pixels.size(2); }
};

// float [C, H, W] in [-1, 1] (values outside are clamped) -> Image.
GEN_API Image from_signed_float(const torch::Tensor& chw);
// Image -> float [C, H, W] in [-1, 1].
GEN_API torch::Tensor to_signed_float(const Image& image);
// Image with `channels` channels (drops alpha, expands gray).
GEN_API Image with_channels(const Image& image, int channels);
// Gaussian blur of standard deviation `sigma` pixels (edges replicated); sigma <= 0
// returns the image unchanged, a non-finite sigma or one over 100 is a UsageError.
GEN_API Image gaussian_blur(const Image& image, double sigma);

}  // namespace gen::image
