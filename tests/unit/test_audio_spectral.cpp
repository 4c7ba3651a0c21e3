// The spectral front end: STFT framings against torch.stft, iSTFT round trips, the mel
// scales and filterbank norms, inverting a log-mel, and Griffin-Lim converging.

#include <gtest/gtest.h>

#include <gen/audio/griffin_lim.h>
#include <gen/audio/log_mel.h>
#include <gen/audio/mel_filterbank.h>
#include <gen/audio/stft.h>
#include <gen/error.h>

#include "audio_fixtures.h"

using namespace gen::audio;
using gen::test::sine;

namespace {

// A chirp from 200 Hz to 6 kHz plus a steady tone: structure in time and frequency.
torch::Tensor test_signal(int64_t frames, int rate = 16000) {
  auto t = torch::arange(frames, torch::kFloat64) / rate;
  const double duration = static_cast<double>(frames) / rate;
  auto chirp = 0.3 * torch::sin(2 * M_PI * (200 * t + (6000 - 200) * t * t / (2 * duration)));
  return (chirp + 0.2 * torch::sin(2 * M_PI * 880 * t)).to(torch::kFloat32);
}

double max_abs(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

}  // namespace

TEST(AudioStft, FrameCountsPerFraming) {
  StftConfig c{1024, 160, 1024, Framing::center};
  EXPECT_EQ(stft_frame_count(7777, c), 49);
  EXPECT_EQ(stft_padding(c), 512);
  c.framing = Framing::hifigan;
  EXPECT_EQ(stft_frame_count(7777, c), 48);
  EXPECT_EQ(stft_padding(c), 432);
  c.framing = Framing::none;
  EXPECT_EQ(stft_frame_count(7777, c), (7777 - 1024) / 160 + 1);
  EXPECT_EQ(stft_frame_count(1000, c), 0);
  for (auto f : {Framing::center, Framing::hifigan, Framing::none}) {
    c.framing = f;
    for (int64_t frames : {1, 7, 50})
      EXPECT_EQ(stft_frame_count(stft_signal_length(frames, c), c), frames) << static_cast<int>(f);
  }
}

TEST(AudioStft, CenterFramingIsTorchStft) {
  const auto x = test_signal(5000);
  for (const StftConfig c : {StftConfig{1024, 160, 1024, Framing::center}, StftConfig{512, 128, 400, Framing::center}}) {
    const auto ours = stft(x, c);
    const auto theirs = at::stft(x, c.n_fft, c.hop_length, c.win_length, torch::hann_window(c.win_length),
                                 /*center=*/true, "reflect", /*normalized=*/false, /*onesided=*/true,
                                 /*return_complex=*/true);
    ASSERT_EQ(ours.sizes(), theirs.sizes());
    EXPECT_LT(max_abs(torch::view_as_real(ours), torch::view_as_real(theirs)), 1e-4);
  }
}

TEST(AudioStft, InverseRestoresTheSignal) {
  const auto x = test_signal(7777);
  for (auto framing : {Framing::center, Framing::hifigan}) {
    for (const StftConfig base : {StftConfig{1024, 160, 1024}, StftConfig{1024, 256, 800}, StftConfig{512, 128, 512}}) {
      StftConfig c = base;
      c.framing = framing;
      if (framing == Framing::hifigan && (c.n_fft - c.hop_length) % 2) continue;
      const auto y = istft(stft(x, c), c, x.size(0));
      EXPECT_LT(max_abs(y, x), 2e-5) << static_cast<int>(framing) << " hop " << c.hop_length;
    }
  }
  // Without padding the first and last samples have (almost) no window over them.
  const StftConfig none{1024, 256, 1024, Framing::none};
  const auto y = istft(stft(x, none), none, x.size(0));
  EXPECT_LT(max_abs(y.narrow(0, 1024, 5000), x.narrow(0, 1024, 5000)), 2e-5);
  // Double precision all the way.
  const auto xd = x.to(torch::kFloat64);
  const StftConfig c{1024, 160, 1024, Framing::center};
  EXPECT_LT(max_abs(istft(stft(xd, c), c, xd.size(0)), xd), 1e-12);
}

TEST(AudioStft, InverseMatchesTorchIstftInCenterFraming) {
  const auto x = test_signal(6000);
  const StftConfig c{1024, 256, 1024, Framing::center};
  const auto spec = stft(x, c);
  const auto theirs = at::istft(spec, c.n_fft, c.hop_length, c.win_length, torch::hann_window(c.win_length),
                                /*center=*/true, /*normalized=*/false, /*onesided=*/true, /*length=*/6000);
  EXPECT_LT(max_abs(istft(spec, c, 6000), theirs), 1e-5);
}

TEST(AudioStft, RefusesWhatItCannotFrame) {
  const StftConfig c{1024, 160, 1024, Framing::center};
  EXPECT_THROW(stft(torch::zeros({512}), c), gen::UsageError);  // reflect padding needs > 512
  EXPECT_NO_THROW(stft(torch::zeros({513}), c));
  EXPECT_THROW(stft(torch::zeros({2, 3, 4000}), c), gen::UsageError);
  EXPECT_THROW(check_stft_config(StftConfig{1024, 2000, 1024}), gen::UsageError);
  EXPECT_THROW(check_stft_config(StftConfig{1024, 161, 1024, Framing::hifigan}), gen::UsageError);
  EXPECT_THROW(istft(torch::zeros({100, 5}, torch::kComplexFloat), c), gen::UsageError);
}

TEST(AudioStft, MagnitudeWithAndWithoutEpsilon) {
  auto spec = torch::complex(torch::tensor({3.0f, 0.0f}), torch::tensor({4.0f, 0.0f}));
  EXPECT_TRUE(torch::allclose(stft_magnitude(spec), torch::tensor({5.0f, 0.0f})));
  EXPECT_NEAR(stft_magnitude(spec, 1e-9)[1].item<float>(), std::sqrt(1e-9), 1e-9);
}

TEST(AudioMel, Scales) {
  EXPECT_DOUBLE_EQ(hz_to_mel(1000, MelScale::slaney), 15.0);
  EXPECT_NEAR(hz_to_mel(6400, MelScale::slaney), 42.0, 1e-12);
  EXPECT_NEAR(hz_to_mel(500, MelScale::slaney), 7.5, 1e-12);
  EXPECT_NEAR(hz_to_mel(700, MelScale::htk), 2595 * std::log10(2.0), 1e-9);
  for (auto s : {MelScale::slaney, MelScale::htk})
    for (double hz : {0.0, 50.0, 999.0, 1000.0, 1001.0, 7999.0, 22050.0})
      EXPECT_NEAR(mel_to_hz(hz_to_mel(hz, s), s), hz, 1e-9 * std::max(1.0, hz));
}

TEST(AudioMel, SlaneyNormGivesEveryTriangleUnitArea) {
  // Fine bins, so the sum over bins approximates the integral over Hz.
  MelFilterbankConfig c{16000, 16384, 40, 0, 8000, MelScale::slaney, MelNorm::slaney};
  const auto fb = mel_filterbank(c).to(torch::kFloat64);
  const auto area = fb.sum(1) * (16000.0 / 16384);
  EXPECT_LT((area - 1).abs().max().item<double>(), 0.01);
  c.norm = MelNorm::none;
  c.scale = MelScale::htk;
  const auto peak = mel_filterbank(c).max(1);
  EXPECT_LE(std::get<0>(peak).max().item<float>(), 1.0f);
  EXPECT_GT(std::get<0>(peak).min().item<float>(), 0.95f);
  // The filters' centres rise and sit on the scale's grid.
  const auto centres = mel_center_frequencies(c);
  EXPECT_EQ(centres.size(0), 40);
  EXPECT_TRUE((centres.diff() > 0).all().item<bool>());
  EXPECT_THROW(mel_filterbank(MelFilterbankConfig{16000, 1024, 64, 0, 9000}), gen::UsageError);
}

TEST(AudioMel, ToneLandsInItsFilter) {
  const LogMel front(audioldm_log_mel());
  const auto mel = front(sine(1000, 16000, 16000));
  const auto centres = mel_center_frequencies(filterbank_config(front.config()));
  const int64_t loudest = mel.mean(1).argmax().item<int64_t>();
  const double expected = hz_to_mel(1000, MelScale::slaney);
  const double step = hz_to_mel(8000, MelScale::slaney) / 65;  // the filters' spacing in mel
  EXPECT_NEAR(hz_to_mel(centres[loudest].item<double>(), MelScale::slaney), expected, step);
  // Far from the tone only window leakage is left: over 8 nepers (~70 dB) down.
  EXPECT_GT((mel.mean(1)[loudest] - mel.mean(1)[63]).item<float>(), 8.0f);
  EXPECT_GE(mel.min().item<float>(), std::log(1e-5f) - 1e-6f);  // the clip floor
}

TEST(AudioMel, MagnitudeFromLogMelProjectsBack) {
  const LogMel front(hifigan_log_mel());
  const auto x = test_signal(8000);
  const auto log_mel = front(x);
  const auto loud = log_mel > -5;  // where there is signal
  // The error of the estimate's mel projection against the target, in log, where loud.
  auto error = [&](const torch::Tensor& magnitude) {
    const auto again = dynamic_range_compression(torch::matmul(front.filterbank(), magnitude));
    return (again - log_mel).abs().masked_select(loud).mean().item<double>();
  };
  const auto start = front.magnitude_from_log_mel(log_mel, 0);  // the clamped pseudo-inverse
  const auto some = front.magnitude_from_log_mel(log_mel, 30);
  const auto estimate = front.magnitude_from_log_mel(log_mel);
  EXPECT_EQ(estimate.sizes(), front.magnitude(x).sizes());
  EXPECT_GE(estimate.min().item<float>(), 0.0f);
  EXPECT_GT(error(start), 0.05);
  EXPECT_LT(error(some), error(start));
  EXPECT_LT(error(estimate), error(some));
  EXPECT_LT(error(estimate), 0.01);
}

TEST(AudioGriffinLim, SpectralConvergenceFalls) {
  const StftConfig c{1024, 256, 1024, Framing::center};
  const auto x = test_signal(16000);
  const auto s = stft_magnitude(stft(x, c));
  std::vector<double> sc;
  GriffinLimOptions o;
  o.iterations = 48;
  o.seed = 3;
  const auto y = griffin_lim(s, c, o, &sc);
  ASSERT_EQ(sc.size(), 48u);
  EXPECT_EQ(y.size(0), stft_signal_length(s.size(1), c));
  EXPECT_GT(sc.front(), 0.3);            // random phases: far off
  EXPECT_LT(sc.back(), 0.1);             // converged: within 10% of the magnitude
  EXPECT_LT(sc.back(), sc[7]);
  EXPECT_LT(sc[7], sc.front());
  EXPECT_NEAR(spectral_convergence(s, y, c), sc.back(), 0.05);
  // Same seed, same waveform; another seed, another one.
  EXPECT_TRUE(torch::equal(griffin_lim(s, c, o), y));
  o.seed = 4;
  EXPECT_FALSE(torch::equal(griffin_lim(s, c, o), y));
}

TEST(AudioGriffinLim, WithoutMomentumItNeverGetsWorse) {
  // Griffin & Lim's original iteration does not increase the inconsistency it minimises.
  const StftConfig c{512, 128, 512, Framing::hifigan};
  const auto s = stft_magnitude(stft(test_signal(8000), c));
  std::vector<double> sc;
  GriffinLimOptions o;
  o.iterations = 30;
  o.momentum = 0;
  griffin_lim(s, c, o, &sc);
  for (size_t i = 1; i < sc.size(); ++i) EXPECT_LE(sc[i], sc[i - 1] * (1 + 1e-3)) << i;
  EXPECT_LT(sc.back(), 0.8 * sc.front());
  EXPECT_THROW(griffin_lim(-s, c), gen::UsageError);
  EXPECT_THROW(griffin_lim(s.narrow(0, 0, 100), c), gen::UsageError);
}
