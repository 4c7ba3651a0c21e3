// The vocoder stage's discriminators (HiFi-GAN's MPD and MSD, scaled down) and its GAN
// losses: the shapes each sub-discriminator gives, that gradients reach the waveform, and
// the LSGAN / feature-matching values on inputs whose answer is known.
#include <gen/error.h>

#include "test_util.h"
#include "train/hifigan_discriminators.h"

using namespace audio_spectrogram;

TEST(HifiGanDiscriminators, PeriodDiscriminatorsFoldTheWaveByTheirPeriod) {
  torch::manual_seed(1);
  MultiPeriodDiscriminator mpd(4);
  const auto wave = torch::randn({2, 1, 1000});  // not a multiple of 3, 7 or 11: padded
  const auto out = mpd->forward(wave);
  const std::vector<int64_t> periods{2, 3, 5, 7, 11};
  ASSERT_EQ(out.scores.size(), periods.size());
  ASSERT_EQ(out.features.size(), periods.size());
  for (size_t i = 0; i < periods.size(); ++i) {
    const int64_t p = periods[i], rows = (1000 + p - 1) / p;
    // Four stride-3 convolutions with padding 2 and kernel 5: ceil(rows / 81) rows.
    int64_t r = rows;
    for (int k = 0; k < 4; ++k) r = (r - 1) / 3 + 1;
    EXPECT_EQ(out.scores[i].sizes(), (std::vector<int64_t>{2, 1, r, p})) << "period " << p;
    EXPECT_EQ(out.features[i].size(), 6u) << "five convolutions and the output";
    EXPECT_EQ(out.features[i][0].size(1), 4);
    EXPECT_EQ(out.features[i][4].size(1), 128);
  }
}

TEST(HifiGanDiscriminators, ScaleDiscriminatorsSeeThreeResolutions) {
  torch::manual_seed(2);
  MultiScaleDiscriminator msd(4);
  const auto out = msd->forward(torch::randn({3, 1, 2048}));
  ASSERT_EQ(out.scores.size(), 3u);
  // Stride 4^4 inside each; the input is average-pooled by 2 between scales (padding 2: +1).
  EXPECT_EQ(out.scores[0].sizes(), (std::vector<int64_t>{3, 1, 8}));
  EXPECT_EQ(out.scores[1].sizes(), (std::vector<int64_t>{3, 1, 5}));
  EXPECT_EQ(out.scores[2].sizes(), (std::vector<int64_t>{3, 1, 3}));
  for (const auto& f : out.features) EXPECT_EQ(f.size(), 7u);
  EXPECT_THROW(MultiScaleDiscriminator(6), gen::UsageError);
  EXPECT_THROW(msd->forward(torch::randn({3, 2048})), gen::Error);
}

TEST(HifiGanDiscriminators, GradientsReachTheWaveform) {
  torch::manual_seed(3);
  MultiPeriodDiscriminator mpd(4);
  MultiScaleDiscriminator msd(4);
  auto wave = torch::randn({1, 1, 1600}).requires_grad_(true);
  (generator_adversarial_loss(mpd->forward(wave).scores) + generator_adversarial_loss(msd->forward(wave).scores))
      .backward();
  ASSERT_TRUE(wave.grad().defined());
  EXPECT_GT(wave.grad().abs().sum().item<double>(), 0);
}

TEST(HifiGanLosses, LeastSquaresGanValues) {
  const std::vector<torch::Tensor> ones{torch::ones({2, 1, 5}), torch::ones({2, 1, 3})};
  const std::vector<torch::Tensor> zeros{torch::zeros({2, 1, 5}), torch::zeros({2, 1, 3})};
  // A perfect discriminator: real at 1, generated at 0.
  EXPECT_NEAR(discriminator_loss(ones, zeros).item<double>(), 0, 1e-9);
  // Exactly wrong: (1 - 0)^2 + 1^2 per sub-discriminator.
  EXPECT_NEAR(discriminator_loss(zeros, ones).item<double>(), 4, 1e-6);
  EXPECT_NEAR(generator_adversarial_loss(ones).item<double>(), 0, 1e-9);
  EXPECT_NEAR(generator_adversarial_loss(zeros).item<double>(), 2, 1e-6);
  const std::vector<torch::Tensor> half{torch::full({2, 1, 5}, 0.5), torch::full({2, 1, 3}, 0.5)};
  EXPECT_NEAR(discriminator_loss(half, half).item<double>(), 2 * (0.25 + 0.25), 1e-6);
}

TEST(HifiGanLosses, FeatureMatchingIsTheMeanAbsoluteGapAndSparesTheRealSide) {
  auto real = torch::zeros({2, 4}).requires_grad_(true);
  auto fake = torch::full({2, 4}, 0.5).requires_grad_(true);
  auto other_real = torch::ones({3});
  auto other_fake = torch::full({3}, -1.0).requires_grad_(true);
  auto loss = feature_matching_loss({{real, other_real}}, {{fake, other_fake}});
  EXPECT_NEAR(loss.item<double>(), 0.5 + 2.0, 1e-6);
  loss.backward();
  EXPECT_FALSE(real.grad().defined()) << "the real features are targets, not trained through this loss";
  ASSERT_TRUE(fake.grad().defined());
  EXPECT_NEAR(fake.grad().sum().item<double>(), 1.0, 1e-6);  // d mean|x| / dx = 1/8 each
}
