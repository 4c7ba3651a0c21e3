// Turns a track into joint rotations: lowers the pelvis wherever a leg could not reach
// its foot (so a planted foot is always reached and never drags), smoothly, then solves
// each leg by two-bone IK with the knee bending over the foot's direction, and sets the
// ankle to the foot's orientation.
#pragma once
#include <torch/types.h>

#include "body_frame.h"

namespace gen::humans {

struct SolvedTrack {
  torch::Tensor rotations;  // float [F, 22, 4] local (w, x, y, z), sign-continuous over frames
  torch::Tensor root;       // float [F, 3] pelvis positions
  torch::Tensor contacts;   // bool [F, 2] (left, right) feet on the floor
};

SolvedTrack solve_track(const Track& track);

}  // namespace gen::humans
