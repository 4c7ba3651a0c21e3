#include "train_stages.h"

#include <gen/error.h>

namespace audio_spectrogram {

std::vector<gen::TrainStage> train_stages() { return {vae_stage(), text_stage(), vocoder_stage(), unet_stage()}; }

void train(const gen::TrainRequest& r, const gen::ProgressCallback& progress) {
  if (r.model == "vae") return train_vae(r, progress);
  if (r.model == "text") return train_text(r, progress);
  if (r.model == "vocoder") return train_vocoder(r, progress);
  if (r.model == "unet") return train_unet(r, progress);
  throw gen::UsageError("audio_spectrogram trains -m vae, text, vocoder or unet, not '" + r.model + "'");
}

}  // namespace audio_spectrogram
