// Tiled VAE decode and encode: the image is processed as overlapping tiles whose
// results are blended with linear ramps across each overlap (as diffusers'
// tiled_decode / tiled_encode), so peak memory is that of one tile, not of the image.
// A tile normalises with its own GroupNorm statistics, so a tiled result differs a
// little from the plain one; ramps keep the seams continuous. Call it under
// torch::NoGradGuard or c10::InferenceMode: with autograd on, every tile stays alive.
#pragma once
#include <functional>
#include <vector>

#include <torch/types.h>

#include <gen/export.h>
#include <gen/nn/autoencoder_kl.h>

namespace gen::nn {

// Tiles along one axis of `length` cells: as few as can overlap by at least `overlap`
// without exceeding `max_tile` cells, then shrunk to the smallest equal size that still
// gives that overlap (less work re-decoded), spread evenly: first at 0, last at
// length - size. One tile of `length` cells when max_tile covers it.
struct TileGrid {
  int64_t size = 0;
  std::vector<int64_t> starts;
};
GEN_API TileGrid tile_grid(int64_t length, int64_t max_tile, int64_t overlap);

// The tiling machinery on its own. `input` [B, C, H, W] is a grid of cells of
// in_scale x in_scale pixels, cut into tiles of at most `tile` x `tile` cells; `fn` maps
// a tile of n x m cells to [B, C', n*out_scale, m*out_scale]. Returns fn's output for the whole grid, blended in the overlaps. When
// one tile covers the grid, returns fn(input) itself. Throws UsageError for a tile < 1,
// an overlap >= tile, or an input size that is not a multiple of in_scale.
GEN_API torch::Tensor tiled_apply(const torch::Tensor& input, int64_t in_scale, int64_t out_scale,
                                  int64_t tile, int64_t overlap,
                                  const std::function<torch::Tensor(const torch::Tensor&)>& fn);

// Same result shape as vae->decode(latents): [B, C, f*h, f*w] with f = downsample_factor()
// (8 for SD). Peak memory is that of a tile of at most tile_latent x tile_latent cells.
// Equals vae->decode exactly when tile_latent >= both latent sides.
GEN_API torch::Tensor decode_tiled(AutoencoderKL& vae, const torch::Tensor& latents, int64_t tile_latent = 64,
                                   int64_t overlap_latent = 8);

// vae->encode in tiles of tile_latent latent cells (f times that in pixels); the moments
// (mean and log-variance) are blended, then turned into the posterior as encode does.
GEN_API DiagonalGaussian encode_tiled(AutoencoderKL& vae, const torch::Tensor& images, int64_t tile_latent = 64,
                                      int64_t overlap_latent = 8);

}  // namespace gen::nn
