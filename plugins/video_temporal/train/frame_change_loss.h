// The loss on what moves: each clip's change over its frames (the clip minus its mean
// frame), compared between the network's clean-clip estimate and the truth, in x0 space
// and alike at every timestep.
//
// Why: with epsilon prediction an x0 error costs SNR times as much at a noisy timestep
// as at SNR 1, and the noisiest timesteps are where sampling decides where the object is
// in each frame, that is, which way it moves. The frozen image model already makes each
// frame; what the motion modules must add — the change over the frames, taken from the
// motion words — is what this term weighs, where it is decided. Subtracting the mean
// frame leaves the appearance, which the image model owns, out of it.
#pragma once
#include <torch/types.h>

namespace video_temporal {

// x0_estimate, x0: [B, C, F, H, W]. Mean over every element of
// ((x0_estimate - mean_F x0_estimate) - (x0 - mean_F x0))^2.
torch::Tensor frame_change_loss(const torch::Tensor& x0_estimate, const torch::Tensor& x0);

}  // namespace video_temporal
