// The log-mel spectrogram, the representation spectrogram diffusion models and their
// vocoders work in:
//   magnitude = sqrt(re^2 + im^2 + eps) of the STFT        [n_fft/2 + 1, frames]
//   mel       = filterbank @ magnitude                      [n_mels, frames]
//   log-mel   = ln(max(mel, clip))                          ("dynamic range compression")
// Natural log of amplitude (not power, not dB, no normalisation). Two recipes, both at
// AudioLDM's settings (16 kHz, n_fft 1024, hop 160, 64 mels, 0-8000 Hz, Slaney mels):
//   hifigan_log_mel()   jik876/hifi-gan meldataset.mel_spectrogram(center=False): HiFi-GAN
//                       framing, eps 1e-9 — what HiFi-GAN vocoders are trained on
//   audioldm_log_mel()  haoheliu/AudioLDM TacotronSTFT.mel_spectrogram: centre framing,
//                       eps 0 — what AudioLDM turns a clip into for its VAE
// tests/golden/test_mel_golden.cpp checks both against ../shared/golden/mel.
#pragma once
#include <cstdint>

#include <torch/types.h>

#include <gen/audio/mel_filterbank.h>
#include <gen/audio/stft.h>
#include <gen/export.h>

namespace gen::audio {

struct LogMelConfig {
  int sample_rate = 16000;
  StftConfig stft{1024, 160, 1024, Framing::hifigan};
  int64_t n_mels = 64;
  double fmin = 0;
  double fmax = 8000;  // <= 0: sample_rate / 2
  MelScale scale = MelScale::slaney;
  MelNorm norm = MelNorm::slaney;
  double magnitude_eps = 1e-9;  // inside the square root
  double clip = 1e-5;           // the floor before the log
};

GEN_API LogMelConfig hifigan_log_mel();
GEN_API LogMelConfig audioldm_log_mel();

// The filterbank a config describes.
GEN_API MelFilterbankConfig filterbank_config(const LogMelConfig& config);

// ln(max(x, clip)) and its inverse exp(y).
GEN_API torch::Tensor dynamic_range_compression(const torch::Tensor& x, double clip = 1e-5);
GEN_API torch::Tensor dynamic_range_decompression(const torch::Tensor& y);

// The front end with its filterbank and window made once. Signals are float
// [samples] or [batch, samples] at config().sample_rate (resample first otherwise).
class GEN_API LogMel {
 public:
  explicit LogMel(LogMelConfig config = hifigan_log_mel());
  const LogMelConfig& config() const { return config_; }
  const torch::Tensor& filterbank() const { return filterbank_; }  // float32 [n_mels, bins]

  torch::Tensor magnitude(const torch::Tensor& signal) const;       // [..., bins, frames]
  torch::Tensor mel(const torch::Tensor& signal) const;             // [..., n_mels, frames], linear
  torch::Tensor operator()(const torch::Tensor& signal) const;      // [..., n_mels, frames], log
  // A linear magnitude [..., bins, frames] whose mel projection approximates exp(log_mel):
  // non-negative least squares by multiplicative updates started from the clamped
  // pseudo-inverse. The mel step drops detail within each filter, so this is an estimate
  // (e.g. for Griffin-Lim); the updates converge slowly: after 300 iterations the mel
  // projection of a chirp is within 0.005 (mean) of the target in log where there is
  // signal, after 1000 within 0.0005 (tests/unit/test_audio_spectral.cpp).
  torch::Tensor magnitude_from_log_mel(const torch::Tensor& log_mel, int iterations = 300) const;

 private:
  LogMelConfig config_;
  torch::Tensor filterbank_;
};

}  // namespace gen::audio
