// `gen train points3d`: the point transformer and a small CLIP text tower, trained
// together from scratch on a `gen data 3d` folder (the solids world's captioned clouds),
// written as a model folder that `gen 3d -m` loads.
#pragma once
#include <vector>

#include <gen/plugin.h>

namespace points3d {

std::vector<gen::TrainStage> train_stages();
void train(const gen::TrainRequest& request, const gen::ProgressCallback& progress);

}  // namespace points3d
