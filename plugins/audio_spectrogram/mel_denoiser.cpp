// The AudioLDM UNet through the core's Denoiser: the text arrives as class labels
// (Conditioning::pooled) and, for UNets that attend to the text, as token states
// (Conditioning::context), so any core sampler and the core's batched CFG run on it
// unchanged.
#include <gen/error.h>

#include "audio_spectrogram.h"

namespace audio_spectrogram {

MelDenoiser::MelDenoiser(gen::nn::UNet2DConditionModel unet, gen::PredictionType type, torch::Tensor frequency_code)
    : unet_(std::move(unet)), type_(type), frequency_code_(std::move(frequency_code)) {}

torch::Tensor MelDenoiser::predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) {
  if (x_t.dim() != 4) throw gen::Error("audio_spectrogram: the denoiser takes mel latents [B, C, rows, columns]");
  if (!cond.pooled.defined()) throw gen::Error("audio_spectrogram: the UNet needs the text embedding (class labels)");
  torch::NoGradGuard no_grad;
  const auto steps = t.dim() == 0 ? t.expand({x_t.size(0)}) : t;
  const auto labels = cond.pooled.size(0) == x_t.size(0) ? cond.pooled : cond.pooled.expand({x_t.size(0), -1});
  auto context = cond.context;
  if (context.defined() && context.size(0) != x_t.size(0)) context = context.expand({x_t.size(0), -1, -1});
  return unet_->forward(with_frequency_code(x_t, frequency_code_), steps, context, labels);
}

}  // namespace audio_spectrogram
