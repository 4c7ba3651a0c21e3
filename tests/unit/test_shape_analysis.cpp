// The pixel analyser that judges prompt adherence must read real dataset images
// correctly before its verdict on generated ones means anything.
#include <gtest/gtest.h>

#include <random>

#include <gen/image/shape_analysis.h>
#include <gen/image/shapes_dataset.h>

namespace {

struct Rates {
  double color = 0, shape = 0, count = 0, position = 0, background = 0;
};

Rates accuracy_on_renders(bool heldout, int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Rates r;
  for (int i = 0; i < n; ++i) {
    auto scene = gen::image::random_scene(rng, heldout);
    auto check = gen::image::check_adherence(gen::image::analyse_scene(gen::image::render_scene(scene)), scene);
    r.color += check.color, r.shape += check.shape, r.count += check.count;
    r.position += check.position, r.background += check.background;
  }
  for (double* v : {&r.color, &r.shape, &r.count, &r.position, &r.background}) *v /= n;
  return r;
}

TEST(ShapeAnalysis, ReadsRealScenesOfBothSplits) {
  for (bool heldout : {false, true}) {
    auto r = accuracy_on_renders(heldout, 400, heldout ? 2 : 1);
    std::printf("%s: colour %.3f shape %.3f count %.3f position %.3f background %.3f\n",
                heldout ? "heldout" : "train", r.color, r.shape, r.count, r.position, r.background);
    EXPECT_GT(r.color, 0.98);
    EXPECT_GT(r.shape, 0.95);
    EXPECT_GT(r.count, 0.97);
    EXPECT_GT(r.position, 0.95);
    EXPECT_GT(r.background, 0.99);
  }
}

TEST(ShapeAnalysis, AnEmptyCanvasHasNoObjects) {
  gen::image::Image blank{torch::full({64, 64, 3}, 128, torch::kUInt8)};
  auto a = gen::image::analyse_scene(blank);
  EXPECT_TRUE(a.objects.empty());
  EXPECT_EQ(a.background, "gray");
  gen::image::ShapeScene wanted;
  wanted.shape = "circle", wanted.color = "red", wanted.count = 1, wanted.background = "gray";
  EXPECT_FALSE(gen::image::check_adherence(a, wanted).color_and_shape());
}

TEST(ShapeAnalysis, LargerImagesAreReadAtDatasetScale) {
  std::mt19937_64 rng(3);
  auto scene = gen::image::random_scene(rng, false);
  auto a = gen::image::analyse_scene(gen::image::render_scene(scene, 256));
  EXPECT_TRUE(gen::image::check_adherence(a, scene).color);
}

}  // namespace
