// Waveform <-> log-mel <-> VAE latent, as AudioLDM moves between them: the mel image is
// [1, 1, frames, bands] (time down the rows), latents are the posterior mean times the
// VAE's scaling factor, and the decoded mel goes to the vocoder as [frames, bands].
#include <cmath>

#include <gen/audio/griffin_lim.h>
#include <gen/error.h>

#include "audio_spectrogram.h"

namespace audio_spectrogram {

MelCodec::MelCodec(gen::nn::AutoencoderKL vae, MelGeometry geometry)
    : vae_(std::move(vae)), geometry_(geometry), front_end_(geometry.log_mel()) {}

torch::Tensor clip_log_mel(const gen::audio::LogMel& front_end, const torch::Tensor& samples, int64_t frames) {
  torch::NoGradGuard no_grad;
  auto mel = front_end(samples).transpose(0, 1);  // [frames', bands]
  if (mel.size(0) >= frames) return mel.narrow(0, 0, frames).contiguous();
  // Pad with the log-mel of silence, the floor of the log.
  const double floor = std::log(front_end.config().clip);
  return torch::cat({mel, torch::full({frames - mel.size(0), mel.size(1)}, floor)}, 0);
}

torch::Tensor MelCodec::log_mel(const torch::Tensor& samples, int64_t frames) const {
  return clip_log_mel(front_end_, samples, frames);
}

torch::Tensor MelCodec::encode(const torch::Tensor& log_mel) {
  torch::NoGradGuard no_grad;
  return vae_->encode_latent(log_mel.unsqueeze(0).unsqueeze(0));
}

torch::Tensor MelCodec::decode(const torch::Tensor& latent) {
  torch::NoGradGuard no_grad;
  return vae_->decode_latent(latent)[0][0];
}

torch::Tensor vocode(const torch::Tensor& log_mel, gen::nn::SpeechT5HifiGan* hifigan, const MelGeometry& g,
                     int griffin_lim_iterations, uint64_t seed) {
  torch::NoGradGuard no_grad;
  if (hifigan) return (*hifigan)->forward(log_mel);
  // Griffin-Lim on the linear magnitude the mel most likely came from.
  const gen::audio::LogMel front_end(g.log_mel());
  const auto magnitude = front_end.magnitude_from_log_mel(log_mel.transpose(0, 1));
  gen::audio::GriffinLimOptions o;
  o.iterations = griffin_lim_iterations;
  o.seed = seed;
  o.length = log_mel.size(0) * g.hop;  // as many samples as the vocoder would give
  return gen::audio::griffin_lim(magnitude, front_end.config().stft, o);
}

}  // namespace audio_spectrogram
