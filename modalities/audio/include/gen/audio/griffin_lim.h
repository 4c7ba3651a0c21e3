// Griffin-Lim phase reconstruction: a waveform whose STFT magnitude approaches a given
// one, by alternating projections (Griffin & Lim 1984) with the momentum of the "fast"
// variant (Perraudin, Balazs & Sondergaard 2013), as librosa.griffinlim and
// torchaudio.transforms.GriffinLim compute it:
//   angles  <- initial phases (uniformly random from `seed`, or all zero)
//   repeat: rebuilt = stft(istft(S * angles));
//           angles  = rebuilt - momentum / (1 + momentum) * previous rebuilt;
//           angles /= |angles| + 1e-16
//   result  = istft(S * angles)
// It is the vocoder that needs no network (`-O vocoder=griffin-lim`).
#pragma once
#include <cstdint>
#include <vector>

#include <torch/types.h>

#include <gen/audio/stft.h>
#include <gen/export.h>

namespace gen::audio {

struct GriffinLimOptions {
  int iterations = 32;
  double momentum = 0.99;     // 0: the original algorithm
  bool random_init = true;    // false: zero phase
  uint64_t seed = 0;          // for the random phases: same seed, same waveform
  int64_t length = -1;        // output samples; -1: stft_signal_length(frames)
};

// A waveform [samples] from a magnitude [n_fft/2 + 1, frames] (or batched [B, bins,
// frames] -> [B, samples]). When `convergence` is given it receives the spectral
// convergence ||S - |STFT(x_i)|||_F / ||S||_F after each iteration i.
GEN_API torch::Tensor griffin_lim(const torch::Tensor& magnitude, const StftConfig& stft,
                                  const GriffinLimOptions& options = {}, std::vector<double>* convergence = nullptr);

// ||S - |STFT(x)|||_F / ||S||_F: how far a waveform's magnitude is from S (0 = equal).
GEN_API double spectral_convergence(const torch::Tensor& magnitude, const torch::Tensor& signal, const StftConfig& stft);

}  // namespace gen::audio
