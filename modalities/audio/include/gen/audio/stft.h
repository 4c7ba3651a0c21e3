// The short-time Fourier transform and its inverse, with the three framings the audio
// recipes use. All of them window with a periodic Hann window of win_length samples,
// centred in n_fft (torch.hann_window / scipy get_window('hann', fftbins=True)), take the
// one-sided, unnormalised DFT (torch.stft), and differ only in how the signal is padded:
//   center    reflect-pad n_fft/2 on each side: frames = L / hop + 1
//             (torch.stft(center=True), librosa, AudioLDM's TacotronSTFT)
//   hifigan   reflect-pad (n_fft - hop)/2 on each side, no centring:
//             frames = (L + 2p - n_fft) / hop + 1 (HiFi-GAN's meldataset.mel_spectrogram)
//   none      no padding: frames = (L - n_fft) / hop + 1
// "reflect" mirrors without repeating the edge sample (numpy/torch 'reflect'), so the
// padding must be shorter than the signal.
#pragma once
#include <cstdint>

#include <torch/types.h>

#include <gen/export.h>

namespace gen::audio {

enum class Framing { center, hifigan, none };

struct StftConfig {
  int64_t n_fft = 1024;
  int64_t hop_length = 160;
  int64_t win_length = 1024;  // <= n_fft
  Framing framing = Framing::center;
};

// A gen::UsageError unless 0 < hop <= win_length <= n_fft (and, for hifigan framing,
// n_fft - hop is even).
GEN_API void check_stft_config(const StftConfig& config);

// The reflect padding on each side: n_fft/2, (n_fft - hop)/2 or 0.
GEN_API int64_t stft_padding(const StftConfig& config);

// Frames of a signal of `samples` samples (0 when it is too short for one frame).
GEN_API int64_t stft_frame_count(int64_t samples, const StftConfig& config);

// The signal length istft restores by default for `frames` frames: (frames - 1) * hop
// for center, frames * hop for hifigan, (frames - 1) * hop + n_fft for none. A clip of
// that many samples has exactly `frames` frames.
GEN_API int64_t stft_signal_length(int64_t frames, const StftConfig& config);

// The periodic Hann window, 0.5 - 0.5 cos(2 pi n / length), n = 0..length-1.
GEN_API torch::Tensor hann_window(int64_t length, torch::Dtype dtype = torch::kFloat32);

// Complex [..., n_fft/2 + 1, frames] of a real signal [..., samples] (one or two
// dimensions; float32 or float64, the result has the matching complex type).
// A gen::UsageError when the signal is too short for the padding or for one frame.
GEN_API torch::Tensor stft(const torch::Tensor& signal, const StftConfig& config);

// The inverse: every frame's inverse DFT windowed again and overlap-added, divided by
// the summed squared window wherever that sum is not negligible (librosa's rule), the
// padding cut off, then cut or zero-padded to `length` samples (-1: stft_signal_length).
// istft(stft(x)) == x up to rounding wherever frames overlap the signal.
GEN_API torch::Tensor istft(const torch::Tensor& spectrum, const StftConfig& config, int64_t length = -1);

// |X| as sqrt(re^2 + im^2 + eps): HiFi-GAN adds eps = 1e-9 inside the root, AudioLDM
// and torch.abs add nothing.
GEN_API torch::Tensor stft_magnitude(const torch::Tensor& spectrum, double eps = 0.0);

}  // namespace gen::audio
