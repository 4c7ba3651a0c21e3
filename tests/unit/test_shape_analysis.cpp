// The pixel analyser that judges prompt adherence must read real dataset images
// correctly before its verdict on generated ones means anything.
#include <gtest/gtest.h>

#include <random>

#include <gen/shapes/shape_analysis.h>
#include <gen/shapes/shapes_dataset.h>

namespace {

struct Rates {
  double color = 0, shape = 0, count = 0, position = 0, background = 0;
};

// What any decoder does to a scene without changing what it shows: a Gaussian blur of
// `sigma` pixels, and groups drawn closer together (`spacing` x radius between centres;
// the dataset uses 2.3, so 2.0 makes round shapes touch).
struct Degradation {
  double sigma = 0;
  double spacing = 2.3;
};

gen::shapes::ShapeScene respaced(gen::shapes::ShapeScene scene, double spacing) {
  double mx = 0, my = 0;
  for (auto [x, y] : scene.centres) mx += x, my += y;
  mx /= scene.centres.size(), my /= scene.centres.size();
  for (auto& [x, y] : scene.centres) x = mx + (x - mx) * spacing / 2.3, y = my + (y - my) * spacing / 2.3;
  return scene;
}

Rates accuracy_on_renders(bool heldout, int n, uint64_t seed, Degradation d = {}) {
  std::mt19937_64 rng(seed);
  Rates r;
  for (int i = 0; i < n; ++i) {
    auto scene = respaced(gen::shapes::random_scene(rng, heldout), d.spacing);
    auto image = gen::image::gaussian_blur(gen::shapes::render_scene(scene), d.sigma);
    auto check = gen::shapes::check_adherence(gen::shapes::analyse_scene(image), scene);
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

TEST(ShapeAnalysis, ReadsBlurredAndTouchingScenes) {
  for (Degradation d : {Degradation{0.7, 2.3}, Degradation{1.0, 2.3}, Degradation{0, 2.0}, Degradation{0.7, 2.0}}) {
    auto r = accuracy_on_renders(false, 400, 5, d);
    std::printf("blur %.1f px, spacing %.1f r: colour %.3f shape %.3f count %.3f position %.3f background %.3f\n",
                d.sigma, d.spacing, r.color, r.shape, r.count, r.position, r.background);
    EXPECT_GT(r.color, 0.98);
    EXPECT_GT(r.shape, 0.95);
    EXPECT_GT(r.count, 0.97);
    EXPECT_GT(r.position, 0.95);
  }
}

// Splitting touching objects needs a neck between them: one long blob stays one object.
TEST(ShapeAnalysis, AnElongatedBlobIsOneObject) {
  auto y = torch::arange(64, torch::kFloat32).unsqueeze(1), x = torch::arange(64, torch::kFloat32).unsqueeze(0);
  auto inside = ((x - 31.5) / 20).pow(2) + ((y - 31.5) / 9).pow(2) < 1;  // 40 x 18 pixels
  auto pixels = torch::zeros({64, 64, 3}, torch::kUInt8);
  pixels.index_put_({inside}, 255);
  auto a = gen::shapes::analyse_scene({pixels});
  EXPECT_EQ(a.objects.size(), 1u);
  // The same length made of two discs that touch is two objects.
  auto discs = ((x - 21.5).pow(2) + (y - 31.5).pow(2) < 100) | ((x - 41.5).pow(2) + (y - 31.5).pow(2) < 100);
  pixels.zero_();
  pixels.index_put_({discs}, 255);
  a = gen::shapes::analyse_scene({pixels});
  ASSERT_EQ(a.objects.size(), 2u);
  EXPECT_EQ(a.objects[0].shape, "circle");
  EXPECT_EQ(a.objects[1].shape, "circle");
}

TEST(ShapeAnalysis, AnEmptyCanvasHasNoObjects) {
  gen::image::Image blank{torch::full({64, 64, 3}, 128, torch::kUInt8)};
  auto a = gen::shapes::analyse_scene(blank);
  EXPECT_TRUE(a.objects.empty());
  EXPECT_EQ(a.background, "gray");
  gen::shapes::ShapeScene wanted;
  wanted.shape = "circle", wanted.color = "red", wanted.count = 1, wanted.background = "gray";
  EXPECT_FALSE(gen::shapes::check_adherence(a, wanted).color_and_shape());
}

TEST(ShapeAnalysis, LargerImagesAreReadAtDatasetScale) {
  std::mt19937_64 rng(3);
  auto scene = gen::shapes::random_scene(rng, false);
  auto a = gen::shapes::analyse_scene(gen::shapes::render_scene(scene, 256));
  EXPECT_TRUE(gen::shapes::check_adherence(a, scene).color);
}

}  // namespace
