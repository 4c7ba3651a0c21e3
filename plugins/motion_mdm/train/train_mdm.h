// `gen train motion_mdm -m mdm`: MDM's recipe on the project's own data — HumanML3D
// features of the humans world's procedural motions (`gen data motion`), x0 prediction
// on MDM's cosine schedule, condition dropout for CFG, MDM's geometric losses (joint
// positions, velocities, foot contact) — with a small CLIP text tower trained jointly,
// exported as a motion model folder (docs/motion.md).
#pragma once
#include <vector>

#include <gen/plugin.h>

namespace motion_mdm {

std::vector<gen::TrainStage> train_stages();
// Dispatches on -m: "mdm" (or empty) trains MDM, "text" pretrains the text tower.
void train(const gen::TrainRequest& request, const gen::ProgressCallback& progress);
void train_mdm(const gen::TrainRequest& request, const gen::ProgressCallback& progress);

}  // namespace motion_mdm
