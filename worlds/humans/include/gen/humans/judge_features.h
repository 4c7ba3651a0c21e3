// What the humans world's judges see of a motion: simple per-frame numbers computed
// from global joint positions alone, owned by the judges so that nothing a generator
// uses (its feature encoding, its normaliser) can hide a bug from them.
//
// A motion is resampled to kJudgeFps and read in its own heading frame, frame by frame:
// the heading is the horizontal direction the body faces (perpendicular to the hips'
// and shoulders' left-right axis). Per frame, kJudgeFeatures numbers:
//   0..62   joints 1..21 relative to the pelvis, rotated into the frame's heading (m)
//   63      pelvis height above the floor (m)
//   64, 65  pelvis horizontal velocity in the heading frame: sideways (+ left), forward (m/s)
//   66      pelvis vertical velocity (m/s)
//   67      heading rate (rad/s, + turns left)
//   68, 69  sin and cos of the heading relative to frame 0
// Velocities are forward differences (the last frame repeats the one before). They do
// not depend on where the motion starts or which way it faces at first.
#pragma once
#include <vector>

#include <torch/types.h>

#include <gen/export.h>
#include <gen/motion/motion.h>

namespace gen::humans {

constexpr double kJudgeFps = 20;
constexpr int kJudgeFeatures = 70;
constexpr int kJudgeMaxFrames = 240;  // 12 s; judges read no further

// Joint positions [F, J, 3] (smpl22 order, metres, y up) at `fps`, resampled to kJudgeFps
// by linear interpolation and cut to kJudgeMaxFrames.
GEN_API torch::Tensor judge_positions(const torch::Tensor& positions, double fps);

// float [T, kJudgeFeatures] of a smpl22 motion; gen::InputError unless it is a finite
// smpl22 motion of at least 2 frames.
GEN_API torch::Tensor judge_features(const motion::Motion& motion);

// Padded features of several motions, as the judges' networks take them.
struct JudgeBatch {
  torch::Tensor features;  // float [B, kJudgeFeatures, T], zeros past each motion's length
  torch::Tensor lengths;   // int64 [B]
};
GEN_API JudgeBatch judge_batch(const std::vector<torch::Tensor>& features);

}  // namespace gen::humans
