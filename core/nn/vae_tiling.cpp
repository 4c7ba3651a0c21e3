#include <gen/nn/vae_tiling.h>

#include <algorithm>
#include <string>

#include <gen/error.h>

namespace gen::nn {
namespace {

// One tile along one axis, in cells, and its overlaps (in output pixels) with the
// previous and the next tile.
struct Span {
  int64_t start = 0, length = 0;
  int64_t overlap_before = 0, overlap_after = 0;
};

std::vector<Span> spans(int64_t length, int64_t tile, int64_t overlap, int64_t out_scale) {
  const auto grid = tile_grid(length, tile, overlap);
  const auto& starts = grid.starts;
  const int64_t n = static_cast<int64_t>(starts.size()), len = grid.size;
  std::vector<Span> out(starts.size());
  for (int64_t i = 0; i < n; ++i) {
    out[i] = {starts[i], len, 0, 0};
    if (i > 0) out[i].overlap_before = (starts[i - 1] + len - starts[i]) * out_scale;
    if (i + 1 < n) out[i].overlap_after = (starts[i] + len - starts[i + 1]) * out_scale;
  }
  return out;
}

// Blend weights of a tile along one axis: a linear ramp across each overlap, sampled at
// pixel centres, so the two ramps of an overlap sum to exactly 1 at every pixel.
torch::Tensor ramp(const Span& s, int64_t pixels) {
  auto p = torch::arange(pixels, torch::kFloat32) + 0.5;
  auto w = torch::ones({pixels});
  if (s.overlap_before > 0) w = torch::minimum(w, p / static_cast<double>(s.overlap_before));
  if (s.overlap_after > 0) w = torch::minimum(w, (pixels - p) / static_cast<double>(s.overlap_after));
  return w;
}

void check_tiling(int64_t tile, int64_t overlap) {
  if (tile < 1) throw UsageError("VAE tile size must be at least 1 latent cell, got " + std::to_string(tile));
  if (overlap < 0 || overlap >= tile)
    throw UsageError("VAE tile overlap must be in [0, tile), got " + std::to_string(overlap) + " for tile " +
                     std::to_string(tile));
}

}  // namespace

TileGrid tile_grid(int64_t length, int64_t max_tile, int64_t overlap) {
  check_tiling(max_tile, overlap);
  if (length <= max_tile) return {length, {0}};
  const int64_t n = 1 + (length - max_tile + (max_tile - overlap) - 1) / (max_tile - overlap);
  TileGrid g;
  g.size = (length + (n - 1) * overlap + n - 1) / n;  // n * size - (n-1) * overlap >= length
  for (int64_t i = 0; i < n; ++i) g.starts.push_back(i * (length - g.size) / (n - 1));
  return g;
}

torch::Tensor tiled_apply(const torch::Tensor& input, int64_t in_scale, int64_t out_scale, int64_t tile,
                          int64_t overlap, const std::function<torch::Tensor(const torch::Tensor&)>& fn) {
  check_tiling(tile, overlap);
  if (input.dim() != 4) throw UsageError("tiled_apply expects [B, C, H, W]");
  const int64_t H = input.size(2), W = input.size(3);
  if (H % in_scale || W % in_scale)
    throw UsageError("image size " + std::to_string(H) + "x" + std::to_string(W) + " is not a multiple of " +
                     std::to_string(in_scale));
  const auto rows = spans(H / in_scale, tile, overlap, out_scale);
  const auto cols = spans(W / in_scale, tile, overlap, out_scale);
  if (rows.size() == 1 && cols.size() == 1) return fn(input);  // one tile: exactly the plain result

  torch::Tensor out, weight;  // weighted sum of tiles, sum of weights ([H', W'])
  for (const auto& r : rows) {
    for (const auto& c : cols) {
      auto piece = input.narrow(2, r.start * in_scale, r.length * in_scale)
                       .narrow(3, c.start * in_scale, c.length * in_scale);
      auto y = fn(piece);
      const int64_t ph = r.length * out_scale, pw = c.length * out_scale;
      if (y.dim() != 4 || y.size(2) != ph || y.size(3) != pw)
        throw ModelError("tiled_apply: a tile's output has shape " + std::to_string(y.size(2)) + "x" +
                         std::to_string(y.size(3)) + ", expected " + std::to_string(ph) + "x" + std::to_string(pw));
      if (!out.defined()) {
        out = torch::zeros({y.size(0), y.size(1), rows.back().start * out_scale + ph, cols.back().start * out_scale + pw},
                           y.options());
        weight = torch::zeros({out.size(2), out.size(3)}, y.options());
      }
      auto w = torch::outer(ramp(r, ph), ramp(c, pw)).to(y.scalar_type());
      out.narrow(2, r.start * out_scale, ph).narrow(3, c.start * out_scale, pw).add_(y * w);
      weight.narrow(0, r.start * out_scale, ph).narrow(1, c.start * out_scale, pw).add_(w);
    }
  }
  // Ramps already sum to 1 where two tiles (or 2x2 at a corner) overlap; dividing also
  // covers overlaps wider than half a tile, where three tiles meet.
  return out / weight;
}

torch::Tensor decode_tiled(AutoencoderKL& vae, const torch::Tensor& latents, int64_t tile_latent,
                           int64_t overlap_latent) {
  const int64_t f = vae->config().downsample_factor();
  return tiled_apply(latents, 1, f, tile_latent, overlap_latent,
                     [&](const torch::Tensor& z) { return vae->decode(z); });
}

DiagonalGaussian encode_tiled(AutoencoderKL& vae, const torch::Tensor& images, int64_t tile_latent,
                              int64_t overlap_latent) {
  const int64_t f = vae->config().downsample_factor();
  auto moments = tiled_apply(images, f, 1, tile_latent, overlap_latent,
                             [&](const torch::Tensor& x) { return vae->moments(x); });
  // As AutoencoderKLImpl::encode: mean and log-variance halves, log-variance clamped.
  auto parts = moments.chunk(2, 1);
  DiagonalGaussian g;
  g.mean = parts[0];
  g.logvar = parts[1].clamp(-30.0, 20.0);
  g.std = torch::exp(0.5 * g.logvar);
  return g;
}

}  // namespace gen::nn
