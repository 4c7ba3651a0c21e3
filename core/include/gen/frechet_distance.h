// The Fréchet distance between two sets of feature vectors, each summarised by the
// Gaussian fitted to it: |mu_a - mu_b|^2 + tr(S_a + S_b - 2 (S_a^1/2 S_b S_a^1/2)^1/2),
// FID's formula (Heusel et al. 2017), in float64. Every modality's judge reports it in
// its own embedding (image CLIP features, motion and audio judges' embeddings).
#pragma once
#include <torch/types.h>

#include <gen/export.h>

namespace gen {

// a [N, D] and b [M, D] with N, M >= 2; a gen::UsageError otherwise.
GEN_API double frechet_distance(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace gen
