// Mel filterbanks as librosa.filters.mel defines them (and transformers'
// audio_utils.mel_filter_bank, torchaudio's melscale_fbanks): n_mels triangles whose
// corners are n_mels + 2 points equally spaced on the mel scale between fmin and fmax,
// evaluated at the DFT bin frequencies k * sample_rate / n_fft.
//   slaney scale  m(f) = 3 f / 200 below 1 kHz, 15 + 27 ln(f / 1000) / ln(6.4) above
//                 (librosa's default, htk=False)
//   htk scale     m(f) = 2595 log10(1 + f / 700)
//   slaney norm   each triangle scaled by 2 / (upper corner - lower corner) in Hz, so its
//                 area is constant (librosa's default, norm="slaney"); none: peak 1.
// HiFi-GAN and AudioLDM call librosa's defaults: slaney scale with slaney norm.
#pragma once
#include <cstdint>

#include <torch/types.h>

#include <gen/export.h>

namespace gen::audio {

enum class MelScale { slaney, htk };
enum class MelNorm { none, slaney };

struct MelFilterbankConfig {
  double sample_rate = 16000;
  int64_t n_fft = 1024;
  int64_t n_mels = 64;
  double fmin = 0;
  double fmax = 8000;  // <= 0: sample_rate / 2
  MelScale scale = MelScale::slaney;
  MelNorm norm = MelNorm::slaney;
};

GEN_API double hz_to_mel(double hz, MelScale scale);
GEN_API double mel_to_hz(double mel, MelScale scale);

// float32 [n_mels, n_fft/2 + 1], computed in double and rounded once. A gen::UsageError
// for 0 <= fmin < fmax <= sample_rate / 2 not holding or n_mels < 1.
GEN_API torch::Tensor mel_filterbank(const MelFilterbankConfig& config);

// The centre frequencies (Hz) of the n_mels filters (for axis labels).
GEN_API torch::Tensor mel_center_frequencies(const MelFilterbankConfig& config);

}  // namespace gen::audio
