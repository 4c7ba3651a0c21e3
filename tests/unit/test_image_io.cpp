// modalities/image: PNG round trip with text chunks, conversions, blur, bad files.
#include <gen/error.h>
#include <gen/image/image_io.h>

#include "test_util.h"

namespace fs = std::filesystem;

TEST(ImageIo, PngRoundTripKeepsPixelsAndUtf8Text) {
  gen::test::TempDir dir;
  auto pixels = torch::randint(0, 256, {7, 5, 3}, torch::kUInt8);
  gen::image::write_png(dir / "a.png", {pixels}, {{"parameters", "prompt: a café ☕, seed 3"}});
  auto back = gen::image::read_image(dir / "a.png");
  EXPECT_TRUE(torch::equal(back.pixels, pixels));
  EXPECT_EQ(gen::image::read_png_text(dir / "a.png").at("parameters"), "prompt: a café ☕, seed 3");
}

TEST(ImageIo, GrayAndRgbaChannelsSurvive) {
  gen::test::TempDir dir;
  for (int c : {1, 3, 4}) {
    auto pixels = torch::randint(0, 256, {4, 6, c}, torch::kUInt8);
    gen::image::write_png(dir / "c.png", {pixels});
    EXPECT_TRUE(torch::equal(gen::image::read_image(dir / "c.png").pixels, pixels)) << c;
  }
}

TEST(ImageIo, SignedFloatConversionRoundTrips) {
  auto pixels = torch::randint(0, 256, {3, 3, 3}, torch::kUInt8);
  auto f = gen::image::to_signed_float({pixels});
  EXPECT_EQ(f.sizes(), (std::vector<int64_t>{3, 3, 3}));
  EXPECT_LE(f.max().item<float>(), 1.0f);
  EXPECT_GE(f.min().item<float>(), -1.0f);
  EXPECT_TRUE(torch::equal(gen::image::from_signed_float(f).pixels, pixels));
}

TEST(ImageIo, GaussianBlurSpreadsAPointAndKeepsFlatAreas) {
  auto pixels = torch::full({15, 15, 3}, 40, torch::kUInt8);
  pixels.index_put_({7, 7}, 240);
  auto out = gen::image::gaussian_blur({pixels}, 1.0).pixels.to(torch::kInt32);
  EXPECT_EQ(out.sizes(), pixels.sizes());
  EXPECT_EQ(out[0][0][0].item<int>(), 40);  // far from the point: unchanged
  // The point's excess (200) spreads as a unit Gaussian: 200 / (2 pi) ~ 32 at the centre,
  // 32 exp(-1/2) ~ 19 one pixel away, symmetric in both directions.
  EXPECT_NEAR(out[7][7][0].item<int>(), 40 + 32, 2);
  EXPECT_NEAR(out[7][8][1].item<int>(), 40 + 19, 2);
  EXPECT_EQ(out[7][6][2].item<int>(), out[6][7][2].item<int>());
  EXPECT_TRUE(torch::equal(gen::image::gaussian_blur({pixels}, 0).pixels, pixels));
  EXPECT_THROW(gen::image::gaussian_blur({pixels}, std::nan("")), gen::UsageError);
}

TEST(ImageIo, BadFilesAreInputErrors) {
  gen::test::TempDir dir;
  EXPECT_THROW(gen::image::read_image(dir / "missing.png"), gen::InputError);
  gen::test::write_text(dir / "bad.png", "\x89PNG\r\n\x1a\n garbage");
  EXPECT_THROW(gen::image::read_image(dir / "bad.png"), gen::InputError);
  EXPECT_THROW(gen::image::read_png_text(dir / "bad.png"), gen::InputError);
}

TEST(ImageIo, FailedWriteLeavesNoFileAndKeepsTheOldOne) {
  gen::test::TempDir dir;
  gen::test::write_text(dir / "keep.png", "old");
  auto not_an_image = torch::zeros({4, 4, 2}, torch::kUInt8);  // 2 channels cannot be written
  EXPECT_THROW(gen::image::write_png(dir / "keep.png", {not_an_image}), gen::UsageError);
  EXPECT_EQ(gen::test::read_text(dir / "keep.png"), "old");
  int files = 0;
  for (auto& e : fs::directory_iterator(dir.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
}
