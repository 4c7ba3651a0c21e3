// HumanML3D's own inverse kinematics (common/skeleton.py, inverse_kinematics_np with
// smooth_forward=True), which its "cont6d" features and root rotation come from. Every
// tensor is double; positions are canonicalized smpl22 positions [F, 22, 3].
#pragma once
#include <torch/types.h>

namespace gen::motion::detail {

// The horizontal facing direction (not normalized) from an "across" vector pointing to
// the character's right: y x across.
torch::Tensor forward_from_across(const torch::Tensor& across);

// Local rotations [F, 22, 4] as HumanML3D defines them: index 0 holds the root rotation
// (turning the smoothed facing direction to +z; identity in frame 0), index j > 0 the
// rotation of the bone from j's chain predecessor to j, relative to the previous bone of
// its chain (the root rotation for a chain's first bone, arms included). Throws
// gen::InputError when a frame has no facing direction.
torch::Tensor humanml_ik(const torch::Tensor& positions);

}  // namespace gen::motion::detail
