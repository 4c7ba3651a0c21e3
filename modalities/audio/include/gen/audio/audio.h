// The audio value type of gen: float samples [channels, frames] at a sample rate, the
// layout audio samples have everywhere in gen (gen/sample.h), so a generator's tensor
// is an Audio without copying.
#pragma once
#include <cstdint>

#include <torch/types.h>

#include <gen/export.h>

namespace gen::audio {

// Bounds check_audio enforces. The rates cover telephone audio to 768 kHz studio files;
// below 1 kHz nothing is audio, above 768 kHz no converter records.
constexpr int kMinSampleRate = 1000;
constexpr int kMaxSampleRate = 768000;
constexpr int64_t kMaxChannels = 256;

// samples: float32 [channels, frames], contiguous; full scale is [-1, 1] (values
// outside are kept: float files may carry headroom, writers to integer formats clip).
struct Audio {
  torch::Tensor samples;
  int sample_rate = 0;
  int64_t channels() const { return samples.size(0); }
  int64_t frames() const { return samples.size(1); }
  double duration() const { return sample_rate > 0 ? static_cast<double>(frames()) / sample_rate : 0.0; }
};

// float32 [channels, frames] from a [frames] (mono) or [channels, frames] tensor of any
// floating type; a gen::UsageError for another shape or type. Checked by check_audio.
GEN_API Audio audio_from_tensor(const torch::Tensor& samples, int sample_rate);

// A gen::InputError (one line, what is wrong) unless `audio` holds float32 [C, N] with
// 1 <= C <= kMaxChannels, every sample finite, and kMinSampleRate <= rate <= kMaxSampleRate.
// N = 0 (an empty clip) is valid.
GEN_API void check_audio(const Audio& audio);

// The mean of the channels, [1, frames] (what librosa's to_mono and AudioLDM do).
GEN_API Audio to_mono(const Audio& audio);

// The largest |sample| (0 for an empty clip).
GEN_API double peak(const Audio& audio);

}  // namespace gen::audio
