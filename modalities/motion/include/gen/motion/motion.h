// The motion value type of gen: a skeleton animated over frames, held as global joint
// positions (what every writer and judge reads) and, when known, the local joint
// rotations and root translation that produce them (what BVH stores).
#pragma once
#include <torch/types.h>

#include <gen/export.h>
#include <gen/motion/skeleton.h>

namespace gen::motion {

struct GEN_API Motion {
  Skeleton skeleton;
  double fps = 20.0;
  torch::Tensor positions;  // float [F, J, 3] global joint positions, metres, y up
  // Optional (undefined when only positions are known): local rotations relative to
  // the rest pose, unit quaternions [F, J, 4] (w, x, y, z); positions ==
  // forward_kinematics(skeleton, rotations, positions[:, 0]).
  torch::Tensor rotations;

  int64_t frame_count() const { return positions.size(0); }
  double duration() const { return frame_count() / fps; }  // seconds
};

// Throws gen::InputError unless the tensors match the skeleton and are finite.
GEN_API void check_motion(const Motion& motion);

// Global joint positions [F, J, 3] from local rotations [F, J, 4] and root positions [F, 3].
GEN_API torch::Tensor forward_kinematics(const Skeleton& skeleton, const torch::Tensor& rotations,
                                         const torch::Tensor& root_positions);

// A Motion from rotations and root positions (positions by forward kinematics).
GEN_API Motion motion_from_rotations(const Skeleton& skeleton, const torch::Tensor& rotations,
                                     const torch::Tensor& root_positions, double fps);

}  // namespace gen::motion
