#include <gen/audio/mel_filterbank.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gen/error.h>

namespace gen::audio {
namespace {

// Slaney's scale: linear (200/3 Hz per mel) below 1 kHz, logarithmic above.
constexpr double kLinearHzPerMel = 200.0 / 3.0;
constexpr double kBreakHz = 1000.0;
constexpr double kBreakMel = kBreakHz / kLinearHzPerMel;  // 15
const double kLogStep = std::log(6.4) / 27.0;

double fmax_of(const MelFilterbankConfig& c) { return c.fmax > 0 ? c.fmax : c.sample_rate / 2; }

void check(const MelFilterbankConfig& c) {
  const double fmax = fmax_of(c);
  if (!(c.sample_rate > 0) || c.n_fft < 2 || c.n_mels < 1 || !(c.fmin >= 0) || !(c.fmin < fmax) ||
      !(fmax <= c.sample_rate / 2))
    throw UsageError("a mel filterbank needs n_mels >= 1, n_fft >= 2 and 0 <= fmin < fmax <= sample_rate / 2, got " +
                     std::to_string(c.n_mels) + " mels, n_fft " + std::to_string(c.n_fft) + ", " +
                     std::to_string(c.fmin) + " to " + std::to_string(fmax) + " Hz at " +
                     std::to_string(c.sample_rate) + " Hz");
}

// The n_mels + 2 corner frequencies, equally spaced in mel.
std::vector<double> corners(const MelFilterbankConfig& c) {
  const double lo = hz_to_mel(c.fmin, c.scale), hi = hz_to_mel(fmax_of(c), c.scale);
  const int64_t n = c.n_mels + 2;
  std::vector<double> hz(static_cast<size_t>(n));
  // numpy's linspace: lo + i * step, the last point exactly hi.
  const double step = (hi - lo) / static_cast<double>(n - 1);
  for (int64_t i = 0; i < n; ++i) hz[i] = mel_to_hz(i == n - 1 ? hi : lo + static_cast<double>(i) * step, c.scale);
  return hz;
}

}  // namespace

double hz_to_mel(double hz, MelScale scale) {
  if (scale == MelScale::htk) return 2595.0 * std::log10(1.0 + hz / 700.0);
  if (hz < kBreakHz) return hz / kLinearHzPerMel;
  return kBreakMel + std::log(hz / kBreakHz) / kLogStep;
}

double mel_to_hz(double mel, MelScale scale) {
  if (scale == MelScale::htk) return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
  if (mel < kBreakMel) return mel * kLinearHzPerMel;
  return kBreakHz * std::exp(kLogStep * (mel - kBreakMel));
}

torch::Tensor mel_filterbank(const MelFilterbankConfig& c) {
  check(c);
  const auto hz = corners(c);
  const int64_t bins = c.n_fft / 2 + 1;
  auto weights = torch::zeros({c.n_mels, bins}, torch::kFloat64);
  auto w = weights.accessor<double, 2>();
  for (int64_t k = 0; k < bins; ++k) {
    // numpy's linspace(0, sr/2, bins) as librosa's fft_frequencies computes it.
    const double f = k == bins - 1 ? c.sample_rate / 2 : static_cast<double>(k) * (c.sample_rate / 2) / (bins - 1);
    for (int64_t m = 0; m < c.n_mels; ++m) {
      const double rising = (f - hz[m]) / (hz[m + 1] - hz[m]);
      const double falling = (hz[m + 2] - f) / (hz[m + 2] - hz[m + 1]);
      w[m][k] = std::max(0.0, std::min(rising, falling));
    }
  }
  if (c.norm == MelNorm::slaney)
    for (int64_t m = 0; m < c.n_mels; ++m) {
      const double scale = 2.0 / (hz[m + 2] - hz[m]);
      for (int64_t k = 0; k < bins; ++k) w[m][k] *= scale;
    }
  return weights.to(torch::kFloat32);
}

torch::Tensor mel_center_frequencies(const MelFilterbankConfig& c) {
  check(c);
  const auto hz = corners(c);
  return torch::tensor(std::vector<double>(hz.begin() + 1, hz.end() - 1), torch::kFloat64);
}

}  // namespace gen::audio
