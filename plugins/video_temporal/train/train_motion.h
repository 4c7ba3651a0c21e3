// `gen train video_temporal -m motion`: AnimateDiff's recipe on the project's own data —
// a frozen SD-1.x checkpoint (by default the embedded default image model) with motion
// modules inserted at every level, the motion modules alone trained on clips of the
// shapes world in motion (`gen data video`), exported as a diffusers MotionAdapter folder.
#pragma once
#include <vector>

#include <gen/plugin.h>

namespace video_temporal {

// -m motion and -m text (text_pretraining.h).
std::vector<gen::TrainStage> train_stages();
void train_motion(const gen::TrainRequest& request, const gen::ProgressCallback& progress);

}  // namespace video_temporal
