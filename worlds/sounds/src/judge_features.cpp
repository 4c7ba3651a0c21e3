#include "judge_features.h"

#include <cmath>
#include <map>
#include <mutex>

#include <gen/audio/log_mel.h>

#include "judge_input.h"
#include "world_config.h"

namespace gen::sounds {

namespace {

gen::audio::LogMelConfig judge_log_mel_config(int64_t hop) {
  const auto& c = config_at(judges_config(), "log_mel");
  gen::audio::LogMelConfig m;
  m.sample_rate = judge_sample_rate();
  const auto n_fft = static_cast<int64_t>(config_number(c, "n_fft"));
  m.stft = {n_fft, hop > 0 ? hop : static_cast<int64_t>(config_number(c, "hop")), n_fft, gen::audio::Framing::center};
  m.n_mels = static_cast<int64_t>(config_number(c, "mels"));
  m.fmin = config_number(c, "fmin");
  m.fmax = config_number(c, "fmax");
  m.scale = gen::audio::MelScale::htk;
  m.norm = gen::audio::MelNorm::none;
  m.magnitude_eps = 0;
  m.clip = config_number(c, "floor");
  return m;
}

// One front end per hop, made once (the filterbank and window).
const gen::audio::LogMel& front_end(int64_t hop) {
  static std::mutex mutex;
  static std::map<int64_t, std::unique_ptr<gen::audio::LogMel>> made;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = made[hop];
  if (!slot) slot = std::make_unique<gen::audio::LogMel>(judge_log_mel_config(hop));
  return *slot;
}

}  // namespace

double judge_log_floor() { return std::log(config_number(config_at(judges_config(), "log_mel"), "floor")); }

torch::Tensor judge_log_mel(const std::vector<float>& samples, int64_t hop) {
  const auto& f = front_end(hop);
  const int64_t pad = f.config().stft.n_fft / 2;
  // Centre framing reflects n_fft/2 samples: a shorter clip is first padded with silence.
  std::vector<float> x = samples;
  if (static_cast<int64_t>(x.size()) <= pad) x.resize(static_cast<size_t>(pad + 1), 0.0f);
  torch::NoGradGuard no_grad;
  return f(torch::from_blob(x.data(), {static_cast<int64_t>(x.size())}, torch::kFloat32).clone());
}

}  // namespace gen::sounds
