#include <gen/audio/audio.h>

#include <string>

#include <gen/error.h>

namespace gen::audio {
namespace {

std::string describe(const torch::Tensor& t) {
  if (!t.defined()) return "nothing";
  return std::string(c10::toString(t.scalar_type())) + " " + c10::str(t.sizes());
}

}  // namespace

Audio audio_from_tensor(const torch::Tensor& samples, int sample_rate) {
  if (!samples.defined() || !samples.is_floating_point() || samples.dim() < 1 || samples.dim() > 2)
    throw UsageError("audio samples must be a float [frames] or [channels, frames] tensor, got " + describe(samples));
  auto s = samples.dim() == 1 ? samples.unsqueeze(0) : samples;
  Audio audio{s.to(torch::kCPU, torch::kFloat32).contiguous(), sample_rate};
  check_audio(audio);
  return audio;
}

void check_audio(const Audio& audio) {
  const auto& s = audio.samples;
  if (!s.defined() || s.dim() != 2 || s.scalar_type() != torch::kFloat32)
    throw InputError("audio must be float32 [channels, frames], got " + describe(s));
  if (s.size(0) < 1 || s.size(0) > kMaxChannels)
    throw InputError("audio has " + std::to_string(s.size(0)) + " channels; 1 to " + std::to_string(kMaxChannels) +
                     " are supported");
  if (audio.sample_rate < kMinSampleRate || audio.sample_rate > kMaxSampleRate)
    throw InputError("audio sample rate " + std::to_string(audio.sample_rate) + " Hz is outside " +
                     std::to_string(kMinSampleRate) + " to " + std::to_string(kMaxSampleRate) + " Hz");
  if (s.numel() > 0 && !torch::isfinite(s).all().item<bool>()) {
    const auto bad = torch::nonzero(~torch::isfinite(s))[0];
    throw InputError("audio sample " + std::to_string(bad[1].item<int64_t>()) + " of channel " +
                     std::to_string(bad[0].item<int64_t>()) + " is not finite (NaN or infinity)");
  }
}

Audio to_mono(const Audio& audio) {
  check_audio(audio);
  if (audio.channels() == 1) return audio;
  return Audio{audio.samples.mean(0, /*keepdim=*/true).contiguous(), audio.sample_rate};
}

double peak(const Audio& audio) {
  if (!audio.samples.defined() || audio.samples.numel() == 0) return 0.0;
  return audio.samples.abs().max().item<double>();
}

}  // namespace gen::audio
