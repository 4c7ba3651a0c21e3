// Chamfer distance and PointFlow's set metrics on cases whose answers are known.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <gen/error.h>
#include <gen/shape3d/point_metrics.h>

namespace {

using namespace gen::shape3d;

TEST(Shape3dMetrics, ChamferDistanceOfKnownClouds) {
  const auto x = torch::tensor({0.0, 0.0, 0.0, 1.0, 0.0, 0.0}).view({2, 3});
  EXPECT_DOUBLE_EQ(chamfer_distance(x, x), 0);
  // Shift by 0.5 in z: every nearest distance is 0.25 both ways.
  const auto y = x + torch::tensor({0.0, 0.0, 0.5});
  EXPECT_NEAR(chamfer_distance(x, y), 0.5, 1e-12);
  // One extra far point in y: x's side 0; y's side (0 + 0 + 9) / 3.
  const auto z = torch::cat({x, torch::tensor({0.0, 3.0, 0.0}).view({1, 3})});
  EXPECT_NEAR(chamfer_distance(x, z), 3.0, 1e-12);
  EXPECT_NEAR(chamfer_distance(z, x), 3.0, 1e-12);
  EXPECT_THROW(chamfer_distance(x, torch::zeros({2, 2})), gen::UsageError);
}

TEST(Shape3dMetrics, SetMetricsTellCopiesFromCollapseAndFromStrangers) {
  torch::manual_seed(0);
  std::vector<torch::Tensor> reference, copies, collapsed, strangers;
  for (int i = 0; i < 12; ++i) {
    reference.push_back(torch::randn({64, 3}) * 0.1 + i);  // twelve separate blobs
    copies.push_back(reference.back() + 0.001 * torch::randn({64, 3}));
    collapsed.push_back(reference[0] + 0.001 * torch::randn({64, 3}));
    strangers.push_back(torch::randn({64, 3}) * 0.1 + 100 + i);
  }
  const auto same = set_metrics(copies, reference);
  EXPECT_DOUBLE_EQ(same.coverage, 1.0);
  EXPECT_LT(same.mmd, 1e-3);
  EXPECT_LE(same.nna, 0.55);  // each copy's nearest is its original: near chance, never 1
  const auto mode = set_metrics(collapsed, reference);
  EXPECT_NEAR(mode.coverage, 1.0 / 12, 1e-12);
  EXPECT_GT(mode.mmd, 1.0);
  const auto far = set_metrics(strangers, reference);
  EXPECT_DOUBLE_EQ(far.nna, 1.0);  // perfectly separable
  EXPECT_THROW(set_metrics({}, reference), gen::UsageError);
}

}  // namespace
