// Gaussian smoothing along time, as scipy.ndimage.gaussian_filter1d(x, sigma, axis=0,
// mode="nearest") computes it: a kernel truncated at 4 sigma (radius int(4 sigma + 0.5)),
// normalized to sum 1, with the first and last frames repeated beyond the ends.
#pragma once
#include <torch/types.h>

namespace gen::motion::detail {

// x [F, ...] -> the same shape, smoothed along dim 0.
torch::Tensor gaussian_smooth_nearest(const torch::Tensor& x, double sigma);

}  // namespace gen::motion::detail
