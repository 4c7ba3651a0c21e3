// Tiled VAE decode/encode. A random VAE's GroupNorm makes every tile normalise with its
// own statistics, so a tiled decode is not the plain one; what is checked: the tile
// grid, exact equality when one tile covers the latent, exact reconstruction through
// a local (tile-independent) function, continuous seams when tiles disagree, and
// shapes and finiteness on a real (tiny) VAE.
#include <gtest/gtest.h>

#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

#include <gen/error.h>
#include <gen/nn/vae_tiling.h>

namespace {

using gen::nn::tile_grid;
using gen::nn::tiled_apply;

gen::nn::AutoencoderKL tiny_vae() {
  gen::nn::AutoencoderKLConfig c;
  c.block_out_channels = {8, 16};  // f = 2
  c.norm_num_groups = 4;
  c.layers_per_block = 1;
  torch::manual_seed(0);
  return gen::nn::AutoencoderKL(c);
}

torch::Tensor upsample(const torch::Tensor& x, int64_t f) {
  return x.repeat_interleave(f, 2).repeat_interleave(f, 3);
}

TEST(VaeTiling, TileGridCoversWithOverlap) {
  EXPECT_EQ(tile_grid(4, 4, 1).starts, std::vector<int64_t>{0});
  EXPECT_EQ(tile_grid(3, 4, 1).size, 3);
  EXPECT_EQ(tile_grid(10, 4, 1).starts, (std::vector<int64_t>{0, 3, 6}));
  // 128 cells, tiles of at most 64 overlapping by 8: three tiles are needed, and 48 cells
  // each are enough for that (not three tiles of 64 with 32-cell overlaps).
  EXPECT_EQ(tile_grid(128, 64, 8).size, 48);
  EXPECT_EQ(tile_grid(128, 64, 8).starts, (std::vector<int64_t>{0, 40, 80}));
  for (int64_t length : {5, 11, 17, 64, 100, 128}) {
    for (auto [tile, overlap] : {std::pair<int64_t, int64_t>{4, 1}, {8, 2}, {32, 8}, {5, 0}, {64, 8}}) {
      if (length <= tile) continue;
      auto g = tile_grid(length, tile, overlap);
      EXPECT_LE(g.size, tile);
      EXPECT_EQ(g.starts.front(), 0);
      EXPECT_EQ(g.starts.back(), length - g.size);
      for (size_t i = 1; i < g.starts.size(); ++i) {
        EXPECT_GT(g.starts[i], g.starts[i - 1]);
        EXPECT_LE(g.starts[i] - g.starts[i - 1], g.size - overlap) << length << " " << tile;
      }
      // Fewest tiles: n - 1 tiles of the largest size could not cover it with the overlap.
      const int64_t n = static_cast<int64_t>(g.starts.size());
      EXPECT_LT((n - 1) * tile - (n - 2) * overlap, length) << length << " " << tile;
    }
  }
  EXPECT_THROW(tile_grid(10, 0, 0), gen::UsageError);
  EXPECT_THROW(tile_grid(10, 4, 4), gen::UsageError);
}

TEST(VaeTiling, LocalFunctionIsReconstructedExactly) {
  // Every tile computes the same values where tiles overlap, so blending must return them.
  auto x = torch::randn({2, 3, 10, 13});
  auto plain = upsample(x, 3);
  auto tiled = tiled_apply(x, 1, 3, 4, 2, [](const torch::Tensor& t) { return upsample(t, 3); });
  ASSERT_EQ(tiled.sizes(), plain.sizes());
  EXPECT_TRUE(torch::allclose(tiled, plain, 1e-6, 1e-6));
  // Downscaling direction (encode): 2x2 average pooling over a 2-cell grid.
  auto img = torch::randn({1, 2, 20, 12});
  auto pool = [](const torch::Tensor& t) { return torch::avg_pool2d(t, 2); };
  EXPECT_TRUE(torch::allclose(tiled_apply(img, 2, 1, 4, 1, pool), pool(img), 1e-6, 1e-6));
  EXPECT_THROW(tiled_apply(torch::randn({1, 2, 5, 12}), 2, 1, 4, 1, pool), gen::UsageError);
}

TEST(VaeTiling, SeamsAreContinuousWhenTilesDisagree) {
  // Each tile adds its own constant (0, 1, 2, ...), as per-tile GroupNorm statistics
  // shift a real tile. Hard seams would jump by 1; linear ramps over >= 4 output pixels
  // allow at most 1/4 between neighbours, and every value stays a convex combination.
  int calls = 0;
  auto shifted = [&](const torch::Tensor& t) { return upsample(t, 2) + static_cast<double>(calls++); };
  auto x = torch::zeros({1, 1, 4, 14});  // one row of tiles: offsets differ by 1 between neighbours
  auto y = tiled_apply(x, 1, 2, 4, 2, shifted);
  ASSERT_EQ(calls, 6);
  auto jumps = (y.narrow(3, 1, y.size(3) - 1) - y.narrow(3, 0, y.size(3) - 1)).abs();
  EXPECT_LE(jumps.max().item<float>(), 0.25f + 1e-5f);
  EXPECT_GE(y.min().item<float>(), 0.0f);
  EXPECT_LE(y.max().item<float>(), static_cast<float>(calls - 1));
  // Ends keep their own tile's values.
  EXPECT_FLOAT_EQ(y[0][0][0][0].item<float>(), 0.0f);
  EXPECT_FLOAT_EQ(y[0][0][0][27].item<float>(), static_cast<float>(calls - 1));
}

TEST(VaeTiling, SingleTileEqualsPlainDecodeAndEncode) {
  auto vae = tiny_vae();
  c10::InferenceMode guard;
  auto z = torch::randn({2, 4, 6, 5});
  EXPECT_TRUE(torch::equal(gen::nn::decode_tiled(vae, z, 6, 2), vae->decode(z)));
  EXPECT_TRUE(torch::equal(gen::nn::decode_tiled(vae, z, 64), vae->decode(z)));
  auto img = torch::rand({1, 3, 12, 10}) * 2 - 1;
  auto tiled = gen::nn::encode_tiled(vae, img, 6, 1);
  auto plain = vae->encode(img);
  EXPECT_TRUE(torch::equal(tiled.mean, plain.mean));
  EXPECT_TRUE(torch::equal(tiled.logvar, plain.logvar));
  EXPECT_TRUE(torch::equal(tiled.std, plain.std));
}

TEST(VaeTiling, SmallTilesKeepShapeAndStayFinite) {
  auto vae = tiny_vae();
  c10::InferenceMode guard;
  auto z = torch::randn({1, 4, 10, 12});
  auto plain = vae->decode(z);
  auto tiled = gen::nn::decode_tiled(vae, z, 4, 2);
  ASSERT_EQ(tiled.sizes(), plain.sizes());
  EXPECT_TRUE(torch::isfinite(tiled).all().item<bool>());
  // Close in bulk although not equal: the tiles see the same weights and mostly the same inputs.
  auto corr = torch::corrcoef(torch::stack({tiled.flatten(), plain.flatten()}))[0][1].item<double>();
  EXPECT_GT(corr, 0.5) << corr;
  auto img = torch::rand({1, 3, 20, 16}) * 2 - 1;
  auto enc = gen::nn::encode_tiled(vae, img, 4, 1);
  EXPECT_EQ(enc.mean.sizes(), vae->encode(img).mean.sizes());
  EXPECT_TRUE(torch::isfinite(enc.std).all().item<bool>());
  EXPECT_THROW(gen::nn::decode_tiled(vae, z, 4, 4), gen::UsageError);
}

}  // namespace
