// `gen train audio_spectrogram -m vae|text|vocoder|unet`: the four parts of an AudioLDM-layout
// model trained from a captioned sound dataset (`gen data audio`), each stage its own run
// folder; -m unet names the others and assembles the model folder `gen audio -m` runs.
#pragma once
#include <vector>

#include <gen/plugin.h>

namespace audio_spectrogram {

std::vector<gen::TrainStage> train_stages();
// Dispatches on -m; anything but the four stages is a UsageError.
void train(const gen::TrainRequest& request, const gen::ProgressCallback& progress);

gen::TrainStage vae_stage();
gen::TrainStage text_stage();
gen::TrainStage vocoder_stage();
gen::TrainStage unet_stage();
void train_vae(const gen::TrainRequest& request, const gen::ProgressCallback& progress);
void train_text(const gen::TrainRequest& request, const gen::ProgressCallback& progress);
void train_vocoder(const gen::TrainRequest& request, const gen::ProgressCallback& progress);
void train_unet(const gen::TrainRequest& request, const gen::ProgressCallback& progress);

}  // namespace audio_spectrogram
