// `gen train image_ldm -m vae|clip|unet`: trains the parts of the embedded default
// model on the shapes dataset with the core Trainer (AdamW, warmup + cosine, EMA,
// clipping, checkpoints and exact resume) and exports each part as an F16 diffusers
// folder inside the run directory. docs/model-zoo.md has the commands and seeds.
#pragma once
#include <gen/plugin.h>

namespace image_ldm {

void train_default_model(const gen::TrainRequest& request, const gen::ProgressCallback& progress);
// The stages and their options, declared for the host (train_stages.cpp).
std::vector<gen::TrainStage> train_stages();

}  // namespace image_ldm
