// Physical sanity of a motion, for the humans world's own tests and for the judges of
// generated motions: foot skating, ground penetration and jitter. Each takes global
// joint positions [F, 22, 3] of one motion in the smpl22 (HumanML3D) joint order,
// metres, y up, the floor at y = 0 (the data's convention), and its frame rate; only
// real frames (narrow a padded dataset tensor to the motion's length first).
#pragma once
#include <torch/types.h>

#include <gen/export.h>

namespace gen::humans {

// Foot skating ratio, as GMD (Karunratanakul et al. 2023) defines it for HumanML3D:
//   feet     the foot joints (left_foot 10, right_foot 11: the balls of the feet);
//   speed    v_t = |(x, z)_{t+1} - (x, z)_t| * fps, horizontal, for t = 0 .. F-2;
//   smoothed v'_t = the mean of v over the 5 steps t-2 .. t+2, steps outside the clip
//            counting as 0 (scipy's uniform_filter1d, size 5, mode "constant");
//   contact  both y_t and y_{t+1} below 5 cm;
//   skating  in contact with v_t > 0.5 m/s and v'_t > 0.5 m/s (2.5 cm per frame at 20 fps).
// The ratio is the fraction of the F-1 steps in which either foot skates; 0 for F < 2.
constexpr double kSkatingHeight = 0.05;  // m
constexpr double kSkatingSpeed = 0.5;    // m/s
GEN_API double foot_skating_ratio(const torch::Tensor& positions, double fps);

// Ground penetration: per frame, how far the lowest joint is below the floor (0 when
// none is); the mean over frames and the largest, in metres.
struct Penetration {
  double mean = 0, max = 0;
};
GEN_API Penetration ground_penetration(const torch::Tensor& positions);

// Jitter: the mean magnitude of the joints' jerk (third time derivative of position,
// by finite differences), in m/s^3, over every joint and the F-3 jerk samples; 0 for F < 4.
// Natural motion at 20 fps stays in the tens to low hundreds; per-frame noise of a
// centimetre adds several hundred.
GEN_API double jitter(const torch::Tensor& positions, double fps);

struct PhysicsReport {
  double skating_ratio = 0;
  Penetration penetration;
  double jitter = 0;
};
// All of the above; throws gen::InputError unless positions are finite [F >= 1, 22, 3]
// and fps is in (0, 1000].
GEN_API PhysicsReport measure_physics(const torch::Tensor& positions, double fps);

}  // namespace gen::humans
