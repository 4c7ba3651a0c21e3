// Each latent column's pitch as input channels (audio_spectrogram.h says why).
#include <gen/audio/mel_filterbank.h>
#include <gen/audio/note_names.h>
#include <gen/error.h>

#include <algorithm>

#include "audio_spectrogram.h"

namespace audio_spectrogram {

torch::Tensor frequency_code(const MelGeometry& geometry, int64_t channels) {
  if (channels < 2 || channels > kMaxFrequencyCode || channels % 2 != 0)
    throw gen::Error("audio_spectrogram: a frequency code has an even number of channels, 2.." +
                     std::to_string(kMaxFrequencyCode));
  const auto centres = gen::audio::mel_center_frequencies(gen::audio::filterbank_config(geometry.log_mel()));
  const int64_t columns = geometry.bands / geometry.vae_factor;
  auto code = torch::empty({1, channels, 1, columns});
  for (int64_t j = 0; j < columns; ++j) {
    const double hz = centres.narrow(0, j * geometry.vae_factor, geometry.vae_factor).mean().item<double>();
    code.select(3, j).select(2, 0)[0] = pitch_code(gen::audio::hz_to_midi(std::max(hz, 1.0)), channels);
  }
  return code;
}

torch::Tensor with_frequency_code(const torch::Tensor& x, const torch::Tensor& code) {
  if (!code.defined()) return x;
  if (x.size(3) != code.size(3))
    throw gen::Error("audio_spectrogram: the latent has " + std::to_string(x.size(3)) + " columns, the frequency code " +
                     std::to_string(code.size(3)));
  return torch::cat({x, code.to(x.dtype()).expand({x.size(0), -1, x.size(2), -1})}, 1);
}

}  // namespace audio_spectrogram
