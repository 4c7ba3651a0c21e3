// The differentiable splat renderer: where a splat lands, that near splats hide far ones,
// and that its gradients are the true derivatives (central differences in float64).
#include <gtest/gtest.h>

#include <gen/error.h>
#include <gen/shape3d/splat_renderer.h>

namespace {

using gen::shape3d::OrbitCamera;
using gen::shape3d::splat_render;
using gen::shape3d::SplatOptions;

// Splats a few pixels wide (sigma ~1.8 px at the default distance) and nearly opaque.
SplatOptions small(int side = 32, double radius = 0.1) {
  SplatOptions o;
  o.width = o.height = side;
  o.radius = radius;
  o.opacity = 0.99;
  return o;
}

TEST(SplatRenderer, ASplatAtTheTargetLandsInTheMiddle) {
  auto image = splat_render(torch::zeros({1, 3}), torch::tensor({{1.f, 0.f, 0.f}}), OrbitCamera{}, small());
  ASSERT_EQ(image.sizes(), torch::IntArrayRef({3, 32, 32}));
  EXPECT_GT(image[0][16][16].item<float>(), 0.95);
  EXPECT_LT(image[1][16][16].item<float>(), 0.2);
  EXPECT_NEAR(image[1][0][0].item<float>(), 1.0, 1e-4);  // white background at the corner
  // A point to the camera's right (+x seen from +z) lands right of the middle.
  auto right = splat_render(torch::tensor({{0.3f, 0.f, 0.f}}), torch::tensor({{1.f, 0.f, 0.f}}), OrbitCamera{}, small());
  auto column_red = (1 - right[1]).sum(0);
  EXPECT_GT(column_red.argmax().item<int64_t>(), 18);
  // Seen from azimuth 90 (from +x), the same point is in the middle again.
  OrbitCamera side;
  side.azimuth_deg = 90;
  auto centred = splat_render(torch::tensor({{0.3f, 0.f, 0.f}}), torch::tensor({{1.f, 0.f, 0.f}}), side, small());
  EXPECT_NEAR((1 - centred[1]).sum(0).argmax().item<int64_t>(), 16, 1);
}

TEST(SplatRenderer, NearSplatsHideFarOnes) {
  OrbitCamera camera;  // looks from +z: larger z is nearer
  camera.elevation_deg = 0;  // both on the line of sight
  auto xyz = torch::tensor({{0.f, 0.f, -0.3f}, {0.f, 0.f, 0.3f}});
  auto rgb = torch::tensor({{0.f, 0.f, 1.f}, {1.f, 0.f, 0.f}});
  auto image = splat_render(xyz, rgb, camera, small());
  EXPECT_GT(image[0][16][16].item<float>(), 0.9);  // the red one, nearer
  EXPECT_LT(image[2][16][16].item<float>(), 0.1);
  camera.azimuth_deg = 180;  // from behind, blue is in front
  image = splat_render(xyz, rgb, camera, small());
  EXPECT_GT(image[2][16][16].item<float>(), 0.9);
}

TEST(SplatRenderer, CoverageLetsAnyBackgroundShowThrough) {
  auto xyz = torch::tensor({{0.f, 0.f, 0.f}, {0.2f, 0.1f, 0.f}});
  auto rgb = torch::tensor({{1.f, 0.f, 0.f}, {0.f, 1.f, 0.f}});
  const auto rgba = gen::shape3d::splat_render_rgba(xyz, rgb, OrbitCamera{}, small());
  ASSERT_EQ(rgba.sizes(), torch::IntArrayRef({4, 32, 32}));
  EXPECT_GT(rgba[3][16][16].item<float>(), 0.9);  // covered in the middle
  EXPECT_LT(rgba[3][0][0].item<float>(), 1e-4);    // bare at the corner
  auto options = small();
  options.background[0] = 0.2, options.background[1] = 0.4, options.background[2] = 0.9;
  const auto image = splat_render(xyz, rgb, OrbitCamera{}, options);
  const auto background = torch::tensor({0.2f, 0.4f, 0.9f}).reshape({3, 1, 1});
  EXPECT_TRUE(torch::allclose(image, rgba.narrow(0, 0, 3) + (1 - rgba.narrow(0, 3, 1)) * background, 1e-5, 1e-6));
}

TEST(SplatRenderer, GradientsAreTheDerivatives) {
  torch::manual_seed(2);
  auto xyz = (torch::rand({6, 3}, torch::kFloat64) - 0.5) * 0.6;
  auto rgb = torch::rand({6, 3}, torch::kFloat64);
  auto weights = torch::randn({3, 12, 12}, torch::kFloat64);
  OrbitCamera camera;
  camera.elevation_deg = 25;
  camera.azimuth_deg = 40;
  const auto options = small(12, 0.08);
  auto f = [&](const torch::Tensor& p, const torch::Tensor& c) { return (splat_render(p, c, camera, options) * weights).sum(); };
  auto p = xyz.clone().requires_grad_(true), c = rgb.clone().requires_grad_(true);
  f(p, c).backward();
  const double eps = 1e-6;
  for (int i = 0; i < 6; ++i)
    for (int k = 0; k < 3; ++k) {
      auto plus = xyz.clone(), minus = xyz.clone();
      plus[i][k] += eps;
      minus[i][k] -= eps;
      const double numeric = (f(plus, rgb).item<double>() - f(minus, rgb).item<double>()) / (2 * eps);
      EXPECT_NEAR(p.grad()[i][k].item<double>(), numeric, 1e-5 + 1e-4 * std::abs(numeric)) << "xyz " << i << "," << k;
      auto cplus = rgb.clone(), cminus = rgb.clone();
      cplus[i][k] += eps;
      cminus[i][k] -= eps;
      const double cnumeric = (f(xyz, cplus).item<double>() - f(xyz, cminus).item<double>()) / (2 * eps);
      EXPECT_NEAR(c.grad()[i][k].item<double>(), cnumeric, 1e-5 + 1e-4 * std::abs(cnumeric)) << "rgb " << i << "," << k;
    }
  EXPECT_GT(p.grad().abs().sum().item<double>(), 0);
}

TEST(SplatRenderer, BadInputIsRefused) {
  EXPECT_THROW(splat_render(torch::zeros({4, 2}), torch::zeros({4, 3}), OrbitCamera{}), gen::UsageError);
  EXPECT_THROW(splat_render(torch::zeros({4, 3}), torch::zeros({5, 3}), OrbitCamera{}), gen::UsageError);
  auto o = small();
  o.opacity = 1.5;
  EXPECT_THROW(splat_render(torch::zeros({4, 3}), torch::zeros({4, 3}), OrbitCamera{}, o), gen::UsageError);
}

}  // namespace
