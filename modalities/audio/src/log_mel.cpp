#include <gen/audio/log_mel.h>

#include <gen/error.h>

namespace gen::audio {

LogMelConfig hifigan_log_mel() { return LogMelConfig{}; }

LogMelConfig audioldm_log_mel() {
  LogMelConfig c;
  c.stft.framing = Framing::center;
  c.magnitude_eps = 0;
  return c;
}

MelFilterbankConfig filterbank_config(const LogMelConfig& c) {
  MelFilterbankConfig f;
  f.sample_rate = c.sample_rate;
  f.n_fft = c.stft.n_fft;
  f.n_mels = c.n_mels;
  f.fmin = c.fmin;
  f.fmax = c.fmax;
  f.scale = c.scale;
  f.norm = c.norm;
  return f;
}

torch::Tensor dynamic_range_compression(const torch::Tensor& x, double clip) { return torch::log(torch::clamp_min(x, clip)); }

torch::Tensor dynamic_range_decompression(const torch::Tensor& y) { return torch::exp(y); }

LogMel::LogMel(LogMelConfig config) : config_(config), filterbank_(mel_filterbank(filterbank_config(config))) {
  check_stft_config(config_.stft);
  if (!(config_.clip > 0) || !(config_.magnitude_eps >= 0))
    throw UsageError("log-mel needs clip > 0 and magnitude_eps >= 0");
}

torch::Tensor LogMel::magnitude(const torch::Tensor& signal) const {
  return stft_magnitude(stft(signal, config_.stft), config_.magnitude_eps);
}

torch::Tensor LogMel::mel(const torch::Tensor& signal) const {
  const auto mag = magnitude(signal);
  return torch::matmul(filterbank_.to(mag.scalar_type()), mag);
}

torch::Tensor LogMel::operator()(const torch::Tensor& signal) const {
  return dynamic_range_compression(mel(signal), config_.clip);
}

torch::Tensor LogMel::magnitude_from_log_mel(const torch::Tensor& log_mel, int iterations) const {
  if (!log_mel.defined() || log_mel.dim() < 2 || log_mel.size(-2) != config_.n_mels)
    throw UsageError("magnitude_from_log_mel needs [..., " + std::to_string(config_.n_mels) + ", frames], got " +
                     (log_mel.defined() ? c10::str(log_mel.sizes()) : std::string("nothing")));
  const auto a = filterbank_.to(torch::kFloat64);
  const auto y = dynamic_range_decompression(log_mel.to(torch::kFloat64));
  const auto a_t = a.t();
  // Start inside the feasible set: the least-squares solution with negatives lifted.
  auto x = torch::matmul(at::linalg_pinv(a), y).clamp_min(1e-8);
  const auto numerator = torch::matmul(a_t, y);
  // A^T (A x) rather than (A^T A) x: two thin products instead of one bins x bins one.
  for (int i = 0; i < iterations; ++i) x = x * numerator / (torch::matmul(a_t, torch::matmul(a, x)) + 1e-12);
  return x.to(log_mel.scalar_type());
}

}  // namespace gen::audio
