// `gen train video_temporal -m text`: the motion modules' text tower alone, taught which
// clip each caption describes before the modules read it. The image model's tower never
// learned the motion words ("moving", "up", "growing", "fades"), and a tower trained from
// scratch through the diffusion loss with the modules did not pick them up in a short
// run (docs/model-zoo.md); pretrained towers are what AnimateDiff's modules lean on.
// Captions and latent clips are pulled together contrastively (gen::nn::ClipContrastiveTask)
// against a small clip encoder of this stage's own, thrown away afterwards;
// `-m motion -O text_encoder=RUN [-O freeze_text=true]` then reads the tower.
#pragma once
#include <gen/plugin.h>

namespace video_temporal {

gen::TrainStage text_stage();
void train_text_tower(const gen::TrainRequest& request, const gen::ProgressCallback& progress);

}  // namespace video_temporal
