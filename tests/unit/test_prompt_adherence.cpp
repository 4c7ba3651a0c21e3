// Scoring generated shape images: real dataset images score perfectly against their
// own prompts, mismatched ones do not; the Fréchet distance behaves like one.
#include <gtest/gtest.h>

#include <gen/error.h>
#include <gen/shapes/prompt_adherence.h>

#include "test_util.h"

namespace {

std::vector<gen::shapes::EvalCase> make_cases(const gen::test::TempDir& dir, int n) {
  gen::shapes::ShapesDatasetOptions o;
  o.train_count = n;
  o.heldout_count = n;
  o.seed = 4;
  gen::shapes::write_shapes_dataset(dir.path(), o, {});
  return gen::shapes::eval_cases(dir.path(), "heldout", n);
}

TEST(PromptAdherence, RealImagesAdhereToTheirOwnPrompts) {
  gen::test::TempDir dir;
  auto cases = make_cases(dir, 30);
  std::vector<gen::image::Image> images;
  for (const auto& c : cases) images.push_back(c.real);
  auto r = gen::shapes::score_generated(images, cases, nullptr);
  EXPECT_EQ(r.images, 30);
  EXPECT_DOUBLE_EQ(r.color_and_shape, 1.0);
  EXPECT_DOUBLE_EQ(r.count, 1.0);
  EXPECT_FALSE(r.clip_score.has_value());
  EXPECT_TRUE(r.to_json()["failures"].empty());
  // Shifted by one, images mostly belong to other prompts.
  std::rotate(images.begin(), images.begin() + 1, images.end());
  auto shifted = gen::shapes::score_generated(images, cases, nullptr);
  EXPECT_LT(shifted.color_and_shape, 0.5);
  // The report names each failing image, its prompt and what was read instead.
  auto failures = shifted.to_json()["failures"];
  ASSERT_FALSE(failures.empty());
  const auto& f = failures.front();
  const size_t i = f["index"];
  EXPECT_EQ(f["prompt"], cases[i].prompt);
  EXPECT_FALSE(f["missed"].empty());
  EXPECT_EQ(f["found"]["objects"].size(), static_cast<size_t>(cases[(i + 1) % cases.size()].scene.count));
}

TEST(PromptAdherence, TooManyCasesIsAUsageError) {
  gen::test::TempDir dir;
  make_cases(dir, 5);
  EXPECT_THROW(gen::shapes::eval_cases(dir.path(), "heldout", 6), gen::UsageError);
  EXPECT_THROW(gen::shapes::eval_cases(dir.path(), "nosuchsplit", 1), gen::InputError);
}

TEST(FrechetDistance, ZeroForTheSameSetAndSquaredShiftForATranslatedOne) {
  auto a = torch::randn({500, 8}, torch::kFloat64);
  EXPECT_NEAR(gen::shapes::frechet_distance(a, a), 0.0, 1e-6);
  auto shift = torch::full({8}, 0.5, torch::kFloat64);
  EXPECT_NEAR(gen::shapes::frechet_distance(a, a + shift), 8 * 0.25, 1e-6);
  EXPECT_GT(gen::shapes::frechet_distance(a, 2 * a), 1.0);
}

}  // namespace
