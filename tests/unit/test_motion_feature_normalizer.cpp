// FeatureNormalizer: HumanML3D-style statistics, normalize/denormalize, files.
#include <gtest/gtest.h>

#include <gen/error.h>
#include <gen/motion/feature_normalizer.h>
#include <gen/motion/npy.h>
#include <gen/safetensors.h>

#include "motion_fixtures.h"
#include "test_util.h"

using namespace gen::motion;

TEST(FeatureNormalizer, FitAveragesTheStdWithinEachSlice) {
  // Column 0 varies with std 1, column 1 with std 3, column 2 is constant.
  auto x = torch::tensor({{-1.0, -3.0, 5.0}, {1.0, 3.0, 5.0}});
  auto n = FeatureNormalizer::fit(x, {{"pair", 0, 2}, {"constant", 2, 1}}, "test-3");
  EXPECT_TRUE(torch::allclose(n.mean(), torch::tensor({0.0f, 0.0f, 5.0f})));
  EXPECT_TRUE(torch::allclose(n.std(), torch::tensor({2.0f, 2.0f, 1.0f}))) << n.std();
  EXPECT_EQ(n.representation(), "test-3");
  auto plain = FeatureNormalizer::fit(x);
  EXPECT_TRUE(torch::allclose(plain.std(), torch::tensor({1.0f, 3.0f, 1.0f})));
  EXPECT_THROW(FeatureNormalizer::fit(x, {{"outside", 2, 2}}), gen::UsageError);
}

TEST(FeatureNormalizer, NormalizeAndDenormalizeAreInverse) {
  const auto features = humanml_encode(gen::test::walking_motion(40, 20, 90));
  const auto n = FeatureNormalizer::fit(features, humanml_feature_slices(), "humanml3d-263");
  const auto z = n.normalize(features);
  EXPECT_NEAR(z.mean().item<float>(), 0.0f, 0.05);
  EXPECT_TRUE(torch::allclose(n.denormalize(z), features, 1e-4, 1e-5));
  // Batches of any shape, dtype kept.
  const auto batch = features.to(torch::kFloat64).unsqueeze(0).expand({3, -1, -1});
  EXPECT_EQ(n.normalize(batch).scalar_type(), torch::kFloat64);
  EXPECT_EQ(n.normalize(batch).sizes(), batch.sizes());
  EXPECT_THROW(n.normalize(torch::zeros({4, 262})), gen::InputError);
}

TEST(FeatureNormalizer, SavesAndLoadsSafetensors) {
  gen::test::TempDir dir;
  const FeatureNormalizer n(torch::tensor({1.0f, 2.0f}), torch::tensor({0.5f, 4.0f}), "demo-2");
  n.save(dir / "stats.safetensors");
  const auto back = FeatureNormalizer::load(dir / "stats.safetensors");
  EXPECT_TRUE(torch::equal(back.mean(), n.mean()));
  EXPECT_TRUE(torch::equal(back.std(), n.std()));
  EXPECT_EQ(back.representation(), "demo-2");
  // HumanML3D's Mean.npy / Std.npy.
  write_npy(dir / "Mean.npy", torch::tensor({1.0f, 2.0f}));
  write_npy(dir / "Std.npy", torch::tensor({0.5f, 4.0f}));
  const auto npy = FeatureNormalizer::load_npy(dir / "Mean.npy", dir / "Std.npy");
  EXPECT_TRUE(torch::equal(npy.std(), n.std()));
  EXPECT_EQ(npy.representation(), "humanml3d-263");
}

TEST(FeatureNormalizer, RefusesBadStatistics) {
  gen::test::TempDir dir;
  EXPECT_THROW(FeatureNormalizer(torch::tensor({1.0f}), torch::tensor({0.0f})), gen::InputError);
  EXPECT_THROW(FeatureNormalizer(torch::tensor({1.0f, 2.0f}), torch::tensor({1.0f})), gen::InputError);
  EXPECT_THROW(FeatureNormalizer(torch::tensor({NAN}), torch::tensor({1.0f})), gen::InputError);
  gen::save_safetensors(dir / "only_mean.safetensors", {{"mean", torch::ones({3})}});
  EXPECT_THROW(FeatureNormalizer::load(dir / "only_mean.safetensors"), gen::InputError);
  gen::save_safetensors(dir / "negative.safetensors", {{"mean", torch::ones({3})}, {"std", -torch::ones({3})}});
  EXPECT_THROW(FeatureNormalizer::load(dir / "negative.safetensors"), gen::InputError);
  gen::test::write_text(dir / "garbage.safetensors", "not a file of tensors");
  EXPECT_THROW(FeatureNormalizer::load(dir / "garbage.safetensors"), gen::InputError);
  EXPECT_THROW(FeatureNormalizer::load(dir / "missing.safetensors"), gen::InputError);
  EXPECT_THROW(FeatureNormalizer().normalize(torch::zeros({2})), gen::Error);
}
