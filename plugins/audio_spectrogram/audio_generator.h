// The generator behind `gen audio`: validates the request before weights are read, loads
// the model's networks once (keeping them for the next request), and returns the clip
// [1, samples] with every setting it resolved.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include <gen/plugin.h>

#include "audio_spectrogram.h"

namespace audio_spectrogram {

class AudioGenerator : public gen::Generator {
 public:
  explicit AudioGenerator(AudioModelFiles files);
  gen::Sample generate(const gen::Request& request, const gen::ProgressCallback& progress) override;

 private:
  struct Plan;
  Plan plan(const gen::Request& r, const AudioOptions& o, const AudioStart& start) const;
  TextCondition& text(const AudioOptions& o);
  void load_networks(bool need_vocoder, bool need_unet);
  torch::Tensor sample_latents(const gen::Request& r, const Plan& p, const AudioStart& start, const AudioOptions& o,
                               const gen::ProgressCallback& progress);

  AudioModelFiles files_;
  MelGeometry geometry_;
  std::unique_ptr<TextCondition> text_;
  std::string text_key_;
  gen::nn::UNet2DConditionModel unet_{nullptr};
  std::unique_ptr<MelCodec> codec_;
  gen::nn::SpeechT5HifiGan vocoder_{nullptr};
};

}  // namespace audio_spectrogram
