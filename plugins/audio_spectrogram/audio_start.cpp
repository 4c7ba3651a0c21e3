// What -i gives: a clip read through the audio library, mixed to mono and resampled to
// the model's rate; and the span of it --mask-range regenerates, as a latent mask.
#include <gen/audio/audio_io.h>
#include <gen/audio/resample.h>
#include <gen/error.h>
#include <gen/option_values.h>

#include <algorithm>
#include <cmath>

#include "audio_spectrogram.h"

namespace audio_spectrogram {

AudioStart load_audio_start(const std::string& path, int sample_rate) {
  AudioStart s;
  if (path.empty()) return s;
  auto audio = gen::audio::to_mono(gen::audio::read_audio(path));
  if (audio.frames() == 0) throw gen::InputError(path + " holds no samples");
  if (audio.sample_rate != sample_rate) audio = gen::audio::resample(audio, sample_rate);
  s.samples = audio.samples[0].contiguous();
  s.duration = audio.duration();
  return s;
}

std::optional<std::pair<double, double>> parse_mask_range(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const auto colon = text.find(':');
  if (colon == std::string::npos || text.find(':', colon + 1) != std::string::npos)
    throw gen::UsageError("--mask-range expects START:END in seconds, e.g. 1.5:2.5, got '" + text + "'");
  const double from = gen::parse_number("mask-range start", text.substr(0, colon), 0, 1e6);
  const double to = gen::parse_number("mask-range end", text.substr(colon + 1), 0, 1e6);
  if (to <= from) throw gen::UsageError("--mask-range " + text + ": the end must come after the start");
  return std::make_pair(from, to);
}

torch::Tensor time_mask(double from, double to, int64_t rows, const MelGeometry& g) {
  const double seconds_per_row = static_cast<double>(g.hop * g.vae_factor) / g.sample_rate;
  const auto first = std::clamp<int64_t>(static_cast<int64_t>(std::floor(from / seconds_per_row)), 0, rows);
  const auto last = std::clamp<int64_t>(static_cast<int64_t>(std::ceil(to / seconds_per_row)), first, rows);
  auto mask = torch::zeros({1, 1, rows, 1});
  mask.narrow(2, first, last - first).fill_(1);
  return mask;
}

torch::Tensor splice(const torch::Tensor& kept, const torch::Tensor& generated, int64_t from, int64_t to,
                     int64_t fade) {
  const int64_t n = generated.size(0), k = std::min(n, kept.size(0));
  from = std::clamp<int64_t>(from, 0, n);
  to = std::clamp<int64_t>(to, from, n);
  // How much of the generated clip each sample takes: 1 inside [from, to), 0 outside, with
  // linear ramps of `fade` samples at the seams so they do not click. A ramp lies inside
  // the span where the input goes on there (inpainting), else just before it
  // (continuation: the input's last samples fade into the generated part).
  auto weight = torch::zeros({n});
  weight.narrow(0, from, to - from).fill_(1);
  if (from > 0) {
    const bool inside = from + fade <= std::min(to, k);
    const int64_t start = inside ? from : std::max<int64_t>(0, from - fade), length = inside ? fade : from - start;
    weight.narrow(0, start, length).copy_(torch::linspace(0, 1, length + 2).narrow(0, 1, length));
  }
  if (to < n) {
    const int64_t length = std::min(fade, (to - from) / 2);
    weight.narrow(0, to - length, length).copy_(torch::linspace(1, 0, length + 2).narrow(0, 1, length));
  }
  auto base = torch::zeros({n});
  base.narrow(0, 0, k).copy_(kept.narrow(0, 0, k));
  return weight * generated + (1 - weight) * base;
}

}  // namespace audio_spectrogram
