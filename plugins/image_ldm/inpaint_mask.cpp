// Inpainting masks: white = repaint. Masks are made binary, because latent blending and
// the final paste-back need a clear answer per pixel.
#include <gen/image/image_io.h>

#include "image_ldm.h"

namespace image_ldm {

torch::Tensor read_mask(const std::filesystem::path& path) {
  const auto gray = gen::image::with_channels(gen::image::read_image(path), 1);
  return (gray.pixels.permute({2, 0, 1}).unsqueeze(0) >= 128).to(torch::kFloat32);
}

torch::Tensor latent_mask(const torch::Tensor& pixel_mask, int64_t factor) {
  // Max-pooling (not diffusers' nearest sampling): a latent cell is regenerated when any
  // of its pixels must be, so no masked pixel is left to the old latent. Ceil mode covers
  // the partial cells of canvases that are not a multiple of the factor.
  return torch::max_pool2d(pixel_mask, {factor, factor}, {factor, factor}, {0, 0}, {1, 1}, /*ceil_mode=*/true);
}

torch::Tensor composite_kept(const torch::Tensor& decoded, const Canvas& canvas) {
  if (!canvas.has_image() || !canvas.has_mask()) return decoded;
  // The VAE round trip shifts colours a little everywhere; pasting the kept pixels back
  // (as A1111 does) leaves them byte-identical to the init image.
  return canvas.mask * decoded + (1 - canvas.mask) * canvas.image;
}

}  // namespace image_ldm
