#include <gen/sounds/sound_timing.h>

#include <algorithm>
#include <cmath>

#include "judge_features.h"
#include "judge_input.h"
#include "world_config.h"

namespace gen::sounds {

SoundTiming measure_timing(const gen::audio::Audio& clip) {
  const auto x = judge_samples(clip);
  const auto& c = config_at(judges_config(), "envelope");
  const double rate = judge_sample_rate();
  const auto window = static_cast<int64_t>(config_number(c, "window")), hop = static_cast<int64_t>(config_number(c, "hop"));
  std::vector<double> rms;
  for (int64_t at = 0; at + window <= static_cast<int64_t>(x.size()); at += hop) {
    double sum = 0;
    for (int64_t j = 0; j < window; ++j) sum += static_cast<double>(x[at + j]) * x[at + j];
    rms.push_back(std::sqrt(sum / window));
  }
  SoundTiming t;
  const double peak = rms.empty() ? 0 : *std::max_element(rms.begin(), rms.end());
  if (peak < config_number(c, "silence")) return t;
  const double threshold = peak * std::pow(10.0, config_number(c, "threshold_db") / 20);
  size_t first = 0, last = 0;
  bool seen = false;
  for (size_t i = 0; i < rms.size(); ++i)
    if (rms[i] >= threshold) {
      if (!seen) first = i, seen = true;
      last = i;
    }
  // A frame stands for its centre.
  const auto seconds = [&](size_t i) { return (static_cast<double>(i) * hop + window / 2.0) / rate; };
  t.audible = true;
  t.onset = seconds(first);
  t.end = seconds(last);
  return t;
}

std::optional<double> estimate_tempo(const gen::audio::Audio& clip) {
  const auto x = judge_samples(clip);
  const auto& env = config_at(judges_config(), "envelope");
  const auto& c = config_at(judges_config(), "tempo");
  const auto hop = static_cast<int64_t>(config_number(env, "hop"));
  const double frame_rate = judge_sample_rate() / static_cast<double>(hop);
  const auto mel = judge_log_mel(x, hop);  // [mels, frames]
  if (mel.size(1) < 4) return std::nullopt;
  // Spectral flux: the summed rise of every band from one frame to the next.
  const auto flux_t = (mel.narrow(1, 1, mel.size(1) - 1) - mel.narrow(1, 0, mel.size(1) - 1)).clamp_min(0).sum(0);
  std::vector<double> flux(flux_t.data_ptr<float>(), flux_t.data_ptr<float>() + flux_t.numel());
  double mean = 0;
  for (double v : flux) mean += v;
  mean /= static_cast<double>(flux.size());
  for (double& v : flux) v -= mean;
  const auto [slow, fast] = config_range(judges_config(), "tempo/bpm");
  const auto lag_min = static_cast<int64_t>(std::floor(60.0 / fast * frame_rate));
  const auto lag_max = std::min<int64_t>(static_cast<int64_t>(std::ceil(60.0 / slow * frame_rate)),
                                         static_cast<int64_t>(flux.size()) / 2);
  if (lag_max <= lag_min + 2) return std::nullopt;
  std::vector<double> acf(static_cast<size_t>(lag_max + 2), 0.0);
  for (int64_t lag = lag_min - 1; lag <= lag_max + 1; ++lag) {
    double sum = 0;
    for (size_t i = 0; i + static_cast<size_t>(lag) < flux.size(); ++i) sum += flux[i] * flux[i + static_cast<size_t>(lag)];
    acf[static_cast<size_t>(lag)] = sum / static_cast<double>(flux.size() - static_cast<size_t>(lag));
  }
  double best = 0;
  for (int64_t lag = lag_min; lag <= lag_max; ++lag) best = std::max(best, acf[static_cast<size_t>(lag)]);
  if (best <= 0) return std::nullopt;
  const double share = config_number(c, "peak_share");
  for (int64_t lag = lag_min; lag <= lag_max; ++lag) {
    const double a = acf[static_cast<size_t>(lag - 1)], b = acf[static_cast<size_t>(lag)], d = acf[static_cast<size_t>(lag + 1)];
    if (b < share * best || b < a || b < d) continue;
    const double denominator = a - 2 * b + d;
    const double shift = std::abs(denominator) > 1e-12 ? std::clamp(0.5 * (a - d) / denominator, -0.5, 0.5) : 0.0;
    return 60.0 * frame_rate / (static_cast<double>(lag) + shift);
  }
  return std::nullopt;
}

}  // namespace gen::sounds
