// Where each latent pixel sits in the picture, as Fourier features of its normalised
// row and column (CoordConv's idea, NeRF's encoding): gen's extension that lets a motion
// module, which otherwise treats every pixel alike, learn motions that depend on the
// place (a fall ends at the floor; "moving to the right" starts at the left).
#pragma once
#include <torch/types.h>

#include <gen/export.h>

namespace gen::nn {

// Features per axis and frequency: a sine and a cosine.
constexpr int64_t kSpatialFrequencies = 4;
constexpr int64_t kSpatialFeatures = 2 * 2 * kSpatialFrequencies;  // rows and columns

// [n, 2 * kSpatialFrequencies]: the features of n evenly spaced centres (i + 0.5) / n
// along one axis, sin(pi 2^k u) and cos(pi 2^k u) for k < 4 (also a clip's frame axis).
GEN_API torch::Tensor axis_fourier_features(int64_t n);

// [H*W, kSpatialFeatures], row-major over (row, column): for u = (row + 0.5) / H and
// v = (column + 0.5) / W, sin(pi 2^k u), cos(pi 2^k u), then the same of v, k < 4.
// Normalised, so a model trained at one size reads the same place at another.
GEN_API torch::Tensor spatial_fourier_features(int64_t height, int64_t width);

}  // namespace gen::nn
