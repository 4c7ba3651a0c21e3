// Local joint rotations from global joint positions, for formats that store rotations
// (BVH) when a motion only has positions (what a diffusion model produces).
//
// Joints are solved root first. A joint with one child (or whose children all lie on
// one line in the rest pose) gets the shortest rotation that turns that rest bone onto
// the posed bone, applied on top of its parent's rotation, so twist is inherited down a
// chain. A joint with several children (smpl22's pelvis and spine3) gets the rotation
// that best aligns all of its rest bones with the posed ones (least squares over unit
// directions, each bone weighted by the joints it carries; Horn's quaternion method),
// which fixes the whole frame. Leaves keep their parent's rotation.
//
// Forward kinematics of the result therefore reproduces: the root position exactly;
// every single-child bone's direction exactly, with the skeleton's lengths; and at the
// pelvis and spine3 the posed bones up to the spread the skeleton cannot follow. For a
// rigid posing of the same skeleton (forward_kinematics output, a BVH read back) every
// position is reproduced to float precision.
#pragma once
#include <torch/types.h>

#include <gen/export.h>
#include <gen/motion/motion.h>

namespace gen::motion {

// positions [F, J, 3] -> local rotations [F, J, 4] (w, x, y, z) for `skeleton`.
GEN_API torch::Tensor rotations_from_positions(const Skeleton& skeleton, const torch::Tensor& positions);

// `motion` with rotations: its own when present, otherwise rotations_from_positions.
// Positions are left as they are.
GEN_API Motion with_rotations(const Motion& motion);

}  // namespace gen::motion
