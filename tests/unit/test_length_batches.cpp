// gen::LengthBatches: windows of neighbouring lengths cut a padded batch's longest
// member, every item is still drawn as often as without them, and the draws come only
// from the generator (so a resumed trainer sees the same batches).
#include <ATen/CPUGeneratorImpl.h>

#include <gen/error.h>
#include <gen/length_batches.h>

#include "test_util.h"

namespace {

at::Generator seeded(uint64_t seed) { return at::make_generator<at::CPUGeneratorImpl>(seed); }

// 1000 lengths spread over 40..139, in no order.
torch::Tensor mixed_lengths() {
  auto g = seeded(3);
  return torch::randint(40, 140, {1000}, g, torch::kLong);
}

}  // namespace

TEST(LengthBatches, WithoutWindowDrawsUniformlyLikeRandint) {
  const auto lengths = mixed_lengths();
  gen::LengthBatches batches(lengths, 32, 0);
  auto a = seeded(11), b = seeded(11);
  EXPECT_TRUE(torch::equal(batches.draw(a), torch::randint(0, 1000, {32}, b, torch::kLong)));
}

TEST(LengthBatches, WindowedBatchesPadToLessThanUniformOnes) {
  const auto lengths = mixed_lengths();
  gen::LengthBatches windowed(lengths, 32, 128), uniform(lengths, 32, 0);
  auto g = seeded(5);
  double windowed_longest = 0, uniform_longest = 0;
  int wide_spreads = 0;
  for (int i = 0; i < 400; ++i) {
    auto w = lengths.index_select(0, windowed.draw(g));
    windowed_longest += w.max().item<int64_t>();
    uniform_longest += lengths.index_select(0, uniform.draw(g)).max().item<int64_t>();
    // A window of 128 of 1000 sorted lengths spans ~13 frames, except where it wraps.
    if (w.max().item<int64_t>() - w.min().item<int64_t>() > 20) ++wide_spreads;
  }
  EXPECT_LT(windowed_longest / 400, uniform_longest / 400 - 30);  // ~96 against ~137
  EXPECT_LT(wide_spreads, 80);  // only windows that wrap round the order: ~127/1000 of the 400 draws
}

TEST(LengthBatches, EveryItemIsDrawnEquallyOften) {
  const auto lengths = mixed_lengths();
  gen::LengthBatches batches(lengths, 20, 100);
  auto g = seeded(9);
  auto counts = torch::zeros({1000}, torch::kLong);
  for (int i = 0; i < 5000; ++i) counts.index_add_(0, batches.draw(g), torch::ones({20}, torch::kLong));
  // 100 draws per item expected; a biased edge of the length order would sit near 50.
  EXPECT_GT(counts.min().item<int64_t>(), 55);
  EXPECT_LT(counts.max().item<int64_t>(), 150);
  const auto by_length = counts.index_select(0, std::get<1>(lengths.sort(c10::optional<bool>(true), 0)));
  EXPECT_NEAR(by_length.narrow(0, 0, 50).to(torch::kDouble).mean().item<double>(), 100.0, 15.0);  // shortest
  EXPECT_NEAR(by_length.narrow(0, 950, 50).to(torch::kDouble).mean().item<double>(), 100.0, 15.0);  // longest
}

TEST(LengthBatches, ABatchHoldsDistinctItemsAndTheSameSeedTheSameBatch) {
  const auto lengths = mixed_lengths();
  gen::LengthBatches batches(lengths, 32, 64);
  auto a = seeded(21), b = seeded(21);
  for (int i = 0; i < 10; ++i) {
    auto x = batches.draw(a);
    EXPECT_TRUE(torch::equal(x, batches.draw(b)));
    EXPECT_EQ(std::get<0>(at::_unique(x)).numel(), 32);
  }
}

TEST(LengthBatches, SmallSetsAndBadArguments) {
  gen::LengthBatches tiny(torch::tensor({5, 3, 9}, torch::kLong), 8, 64);
  EXPECT_EQ(tiny.window(), 3);
  auto g = seeded(1);
  auto x = tiny.draw(g);
  EXPECT_EQ(x.size(0), 8);
  EXPECT_TRUE((x >= 0).all().item<bool>() && (x < 3).all().item<bool>());
  EXPECT_EQ(gen::LengthBatches(torch::arange(100), 32, 10).window(), 32);  // never narrower than a batch
  EXPECT_THROW(gen::LengthBatches(torch::empty({0}, torch::kLong), 4, 8), gen::UsageError);
  EXPECT_THROW(gen::LengthBatches(torch::arange(10), 0, 8), gen::UsageError);
}
