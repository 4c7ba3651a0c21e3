// The text-to-motion evaluation's numbers (Guo et al. 2022, "Generating Diverse and
// Natural 3D Human Motions from Text", the T2M protocol), computed in a judge's
// embedding space (motion_judges.h): motions and captions as rows of [N, D] tensors.
#pragma once
#include <cstdint>
#include <vector>

#include <torch/types.h>

#include <gen/export.h>
#include <gen/frechet_distance.h>

namespace gen::humans {

// R-precision: the motions are shuffled (by `seed`) into batches of `batch` (a last,
// partial batch is dropped; fewer than `batch` motions make one batch of all of them).
// In a batch, each motion ranks the batch's captions by Euclidean distance to it; top-k
// is the share of motions whose own caption is among the k nearest. A caption as near
// as the motion's own (an identical caption of another motion) does not push it down.
struct RPrecision {
  double top1 = 0, top2 = 0, top3 = 0;
  int batch = 0;  // captions per pool
};
GEN_API RPrecision r_precision(const torch::Tensor& motions, const torch::Tensor& captions, uint64_t seed,
                               int batch = 32);

// FID's formula between the Gaussians fitted to two sets of embeddings (gen/frechet_distance.h).
using gen::frechet_distance;

// Diversity: the mean distance between `pairs` random pairs of different rows (T2M: 300).
GEN_API double diversity(const torch::Tensor& embeddings, uint64_t seed, int pairs = 300);

// MultiModality: the mean distance between two motions made from the same caption,
// over every pair within each group ([K >= 2, D] per caption); groups of one are skipped.
GEN_API double multimodality(const std::vector<torch::Tensor>& groups);

}  // namespace gen::humans
