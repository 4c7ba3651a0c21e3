// Distances between point clouds and the standard generative-set metrics over them, as
// PointFlow (Yang et al. 2019) defines them: Chamfer distance with squared Euclidean
// distances, MMD-CD, COV-CD and 1-NNA-CD.
#pragma once
#include <vector>

#include <torch/types.h>

#include <gen/export.h>

namespace gen::shape3d {

// CD(X, Y) = mean_x min_y |x - y|^2 + mean_y min_x |x - y|^2, for N x 3 and M x 3 clouds.
GEN_API double chamfer_distance(const torch::Tensor& x, const torch::Tensor& y);

// The |A| x |B| matrix of Chamfer distances (float64).
GEN_API torch::Tensor chamfer_matrix(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b);

struct SetMetrics {
  double mmd = 0;       // mean over references of the distance to the closest generated cloud (lower is better)
  double coverage = 0;  // fraction of references that are some generated cloud's nearest (higher is better)
  double nna = 0;       // leave-one-out 1-NN accuracy telling generated from reference (0.5 is ideal)
};

// gen::UsageError unless both sets hold at least one cloud (1-NNA needs two in all).
GEN_API SetMetrics set_metrics(const std::vector<torch::Tensor>& generated, const std::vector<torch::Tensor>& reference);

}  // namespace gen::shape3d
