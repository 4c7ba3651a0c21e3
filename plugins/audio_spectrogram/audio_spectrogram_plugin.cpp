// The audio_spectrogram plugin object: what it declares to `gen plugins`, which -m values
// it takes and the generator it builds for a model.
#include <gen/error.h>
#include <gen/plugin.h>

#include "audio_generator.h"
#include "audio_spectrogram.h"
#include "train/train_stages.h"

namespace audio_spectrogram {
namespace {

class AudioSpectrogramPlugin : public gen::Plugin {
 public:
  gen::PluginInfo info() const override {
    gen::PluginInfo i;
    i.name = "audio_spectrogram";
    i.version = "0.1.0";
    i.description =
        "Mel-spectrogram latent diffusion as AudioLDM (diffusers layout: UNet with a projected text class "
        "embedding, one-channel VAE, HiFi-GAN or Griffin-Lim): text-to-audio, audio-to-audio, inpainting in time, "
        "continuation";
    i.modality = gen::Modality::audio;
    i.models = {{kDefaultModelName, "the embedded default: notes and sounds, 16 kHz (docs/model-zoo.md)", true},
                {"FOLDER", "a diffusers AudioLDM folder (unet/, vae/, scheduler/, vocoder/, text_encoder/)", false}};
    i.options = option_specs();
    i.inputs = request_inputs();
    i.training = train_stages();
    return i;
  }

  bool accepts_model(const std::string& model) const override { return looks_like_audio_model(model); }

  std::unique_ptr<gen::Generator> create_generator(const std::string& model, const gen::PartSource&,
                                                   const gen::ProgressCallback&) override {
    return std::make_unique<AudioGenerator>(locate_model(model));
  }

  void train(const gen::TrainRequest& request, const gen::ProgressCallback& progress) override {
    audio_spectrogram::train(request, progress);
  }
};

}  // namespace
}  // namespace audio_spectrogram

GEN_DEFINE_PLUGIN("audio_spectrogram", audio_spectrogram::AudioSpectrogramPlugin)
