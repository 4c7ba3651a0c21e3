// The resampler: a sine keeps its frequency, amplitude and phase (time alignment) across
// rates, content above the new Nyquist frequency is suppressed rather than folded back
// (aliases), upsampling adds no images, lengths follow ceil(frames * out / in).
#include <gtest/gtest.h>

#include <gen/audio/resample.h>
#include <gen/error.h>

#include "audio_fixtures.h"

using namespace gen::audio;
using gen::test::sine;

namespace {

struct Fit {
  double amplitude, phase, residual_rms;
};

// Least-squares fit of a sin(2 pi f t) + b cos(2 pi f t) to x[from, to): the amplitude and
// phase of the tone at exactly f, and what is left over.
Fit fit_tone(const torch::Tensor& x, int rate, double hz, int64_t from, int64_t to) {
  auto t = torch::arange(from, to, torch::kFloat64) / static_cast<double>(rate);
  auto basis = torch::stack({torch::sin(2 * M_PI * hz * t), torch::cos(2 * M_PI * hz * t)}, 1);
  auto y = x.narrow(0, from, to - from).to(torch::kFloat64).unsqueeze(1);
  auto coef = std::get<0>(at::linalg_lstsq(basis, y));
  const double a = coef[0][0].item<double>(), b = coef[1][0].item<double>();
  const double rms = (y - torch::matmul(basis, coef)).square().mean().sqrt().item<double>();
  return {std::hypot(a, b), std::atan2(b, a), rms};
}

double rms(const torch::Tensor& x) { return x.to(torch::kFloat64).square().mean().sqrt().item<double>(); }

double db(double ratio) { return 20 * std::log10(ratio); }

}  // namespace

TEST(AudioResample, SineKeepsFrequencyAmplitudeAndPhase) {
  struct Case {
    int in, out;
    double hz;
  };
  for (const auto& c : {Case{44100, 16000, 1000}, Case{16000, 48000, 3000}, Case{48000, 44100, 5000},
                        Case{22050, 16000, 7000}, Case{8000, 11025, 440}}) {
    SCOPED_TRACE(std::to_string(c.in) + " -> " + std::to_string(c.out) + " Hz, tone " + std::to_string(c.hz));
    const int64_t frames = c.in;  // one second
    const Audio in{sine(c.hz, c.in, frames, 0.5, 0.3).unsqueeze(0), c.in};
    const auto out = resample(in, c.out);
    EXPECT_EQ(out.sample_rate, c.out);
    ASSERT_EQ(out.frames(), c.out);
    // Away from the ends, where the filter sees mirrored samples.
    const auto fit = fit_tone(out.samples[0], c.out, c.hz, c.out / 20, c.out - c.out / 20);
    EXPECT_NEAR(fit.amplitude, 0.5, 0.5 * 0.002);        // within 0.02 dB
    EXPECT_NEAR(fit.phase, 0.3, 2e-3);                   // no delay: sample 0 stays at t = 0
    EXPECT_LT(fit.residual_rms, 0.5 * 1e-4);             // nothing but that tone (-80 dB)
  }
}

TEST(AudioResample, ContentAboveTheNewNyquistIsSuppressed) {
  // 44.1 kHz -> 16 kHz: tones at 9, 10.4 and 15 kHz cannot exist at 16 kHz. A resampler
  // without a proper low-pass folds them to 7, 5.6 and 1 kHz at nearly full level.
  for (double hz : {9000.0, 10400.0, 15000.0}) {
    const Audio in{sine(hz, 44100, 44100, 0.5).unsqueeze(0), 44100};
    const auto out = resample(in, 16000);
    const auto middle = out.samples[0].narrow(0, 800, 16000 - 1600);
    EXPECT_LT(db(rms(middle) / (0.5 / std::sqrt(2))), -90.0) << hz << " Hz";
  }
}

TEST(AudioResample, UpsamplingAddsNoImages) {
  // 16 kHz -> 48 kHz: a 5 kHz tone must not gain images at 11 or 21 kHz.
  const Audio in{sine(5000, 16000, 16000, 0.5).unsqueeze(0), 16000};
  const auto out = resample(in, 48000).samples[0];
  const auto fit = fit_tone(out, 48000, 5000, 2400, 48000 - 2400);
  EXPECT_NEAR(fit.amplitude, 0.5, 1e-3);
  EXPECT_LT(db(fit.residual_rms / (0.5 / std::sqrt(2))), -80.0);
}

TEST(AudioResample, LengthsChannelsAndRates) {
  const Audio in{torch::stack({sine(440, 16000, 1001), torch::zeros({1001})}), 16000};
  const auto out = resample(in, 44100);
  EXPECT_EQ(out.frames(), (1001 * 44100 + 15999) / 16000);  // ceil
  EXPECT_EQ(out.channels(), 2);
  EXPECT_EQ(out.samples[1].abs().max().item<float>(), 0.0f);  // channels stay apart
  EXPECT_GT(out.samples[0].abs().max().item<float>(), 0.4f);

  const auto same = resample(in, 16000);
  EXPECT_TRUE(torch::equal(same.samples, in.samples));
  const auto empty = resample(Audio{torch::zeros({1, 0}), 16000}, 22050);
  EXPECT_EQ(empty.frames(), 0);
  EXPECT_THROW(resample(in, 10), gen::UsageError);
  EXPECT_THROW(resample(in, 10'000'000), gen::UsageError);
}

TEST(AudioResample, BeatsLinearInterpolation) {
  // What the requirement rules out, measured: linear interpolation of a 7 kHz tone from
  // 22.05 to 16 kHz leaves errors near -30 dB; the resampler stays under -80 dB.
  const int in_rate = 22050, out_rate = 16000;
  const auto x = sine(7000, in_rate, in_rate, 0.5);
  const Audio in{x.unsqueeze(0), in_rate};
  auto positions = torch::arange(out_rate, torch::kFloat64) * (static_cast<double>(in_rate) / out_rate);
  auto left = positions.floor().to(torch::kLong).clamp_max(in_rate - 2);
  auto frac = (positions - left.to(torch::kFloat64)).to(torch::kFloat32);
  auto linear = x.index({left}) * (1 - frac) + x.index({left + 1}) * frac;
  const double linear_error = fit_tone(linear, out_rate, 7000, 800, out_rate - 800).residual_rms;
  const double ours = fit_tone(resample(in, out_rate).samples[0], out_rate, 7000, 800, out_rate - 800).residual_rms;
  EXPECT_GT(db(linear_error / 0.35), -40.0);
  EXPECT_LT(db(ours / 0.35), -80.0);
}
