#include <gen/sounds/pitch_estimator.h>

#include <algorithm>
#include <cmath>

#include <gen/audio/note_names.h>

#include "judge_input.h"
#include "world_config.h"

namespace gen::sounds {

namespace {

struct YinSettings {
  int64_t window, hop, tau_min, tau_max;
  double threshold, voiced_share;
};

YinSettings yin_settings(int rate) {
  const auto& c = config_at(judges_config(), "pitch");
  YinSettings s;
  s.window = static_cast<int64_t>(config_number(c, "window"));
  s.hop = static_cast<int64_t>(config_number(c, "hop"));
  s.tau_min = std::max<int64_t>(2, static_cast<int64_t>(std::floor(rate / config_number(c, "fmax_hz"))));
  s.tau_max = static_cast<int64_t>(std::ceil(rate / config_number(c, "fmin_hz")));
  s.threshold = config_number(c, "threshold");
  s.voiced_share = std::pow(10.0, config_number(c, "voiced_db") / 20);
  return s;
}

// The period (fractional samples) of the frame starting at x, or a negative value when no
// lag dips below the threshold.
double yin_period(const float* x, const YinSettings& s, std::vector<double>& d) {
  d.assign(static_cast<size_t>(s.tau_max + 2), 0.0);
  for (int64_t tau = 1; tau <= s.tau_max + 1; ++tau) {
    double sum = 0;
    for (int64_t j = 0; j < s.window; ++j) {
      const double e = static_cast<double>(x[j]) - x[j + tau];
      sum += e * e;
    }
    d[static_cast<size_t>(tau)] = sum;
  }
  // Cumulative-mean normalisation: d'(tau) = d(tau) * tau / sum_{j <= tau} d(j).
  double running = 0;
  d[0] = 1;
  for (int64_t tau = 1; tau <= s.tau_max + 1; ++tau) {
    running += d[static_cast<size_t>(tau)];
    d[static_cast<size_t>(tau)] = running > 0 ? d[static_cast<size_t>(tau)] * static_cast<double>(tau) / running : 1;
  }
  for (int64_t tau = s.tau_min; tau <= s.tau_max; ++tau) {
    if (d[static_cast<size_t>(tau)] >= s.threshold) continue;
    while (tau + 1 <= s.tau_max && d[static_cast<size_t>(tau + 1)] < d[static_cast<size_t>(tau)]) ++tau;
    // A parabola through the minimum and its neighbours.
    const double a = d[static_cast<size_t>(tau - 1)], b = d[static_cast<size_t>(tau)], c = d[static_cast<size_t>(tau + 1)];
    const double denominator = a - 2 * b + c;
    const double shift = denominator > 1e-12 ? std::clamp(0.5 * (a - c) / denominator, -0.5, 0.5) : 0.0;
    return static_cast<double>(tau) + shift;
  }
  return -1;
}

double frame_rms(const float* x, int64_t n) {
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i]) * x[i];
  return std::sqrt(sum / static_cast<double>(std::max<int64_t>(1, n)));
}

}  // namespace

std::optional<PitchEstimate> estimate_pitch(const gen::audio::Audio& clip) {
  const auto x = judge_samples(clip);
  const int rate = judge_sample_rate();
  const auto s = yin_settings(rate);
  const int64_t span = s.window + s.tau_max + 2;
  const int64_t n = static_cast<int64_t>(x.size());
  if (n < span) return std::nullopt;
  std::vector<int64_t> starts;
  std::vector<double> loudness;
  double loudest = 0;
  for (int64_t at = 0; at + span <= n; at += s.hop) {
    starts.push_back(at);
    loudness.push_back(frame_rms(x.data() + at, s.window));
    loudest = std::max(loudest, loudness.back());
  }
  if (loudest <= 0) return std::nullopt;
  std::vector<double> pitches, scratch;
  for (size_t i = 0; i < starts.size(); ++i) {
    if (loudness[i] < s.voiced_share * loudest) continue;
    const double period = yin_period(x.data() + starts[i], s, scratch);
    if (period > 0) pitches.push_back(audio::hz_to_midi(rate / period));
  }
  // At least a few frames must agree before a clip counts as pitched.
  if (pitches.size() < 3) return std::nullopt;
  std::nth_element(pitches.begin(), pitches.begin() + static_cast<long>(pitches.size() / 2), pitches.end());
  const double midi = pitches[pitches.size() / 2];
  return PitchEstimate{audio::midi_to_hz(midi), midi, static_cast<int>(pitches.size())};
}

}  // namespace gen::sounds
