// PYoCo's mixed noise prior (Ge et al. 2023, "Preserve Your Own Correlation"): noise with
// a part shared along one dimension — a clip's frames — so every frame of a clip starts
// from nearly the same picture and a video model has only the motion left to learn.
// Each element keeps unit variance; neighbouring frames' noise correlates by
// alpha^2 / (1 + alpha^2) (PYoCo's alpha: 1 gives 0.5, 2 gives 0.8):
//   mixed = (alpha * shared + independent) / sqrt(1 + alpha^2)
// The same mix is used in training (core Trainer, TrainerConfig::shared_noise) and for a
// sampler's starting noise, so a model sees at generation the noise it was trained on.
#pragma once
#include <vector>

#include <torch/types.h>

#include <gen/export.h>

namespace gen {

// `shape` with size 1 along `dim` (the shape of the shared part). Throws gen::UsageError
// when `dim` is not one of shape's dimensions after the batch's (1 <= dim < shape.size()).
GEN_API std::vector<int64_t> shared_noise_shape(at::IntArrayRef shape, int64_t dim);

// independent [..., n along dim, ...]; shared with size 1 along that dimension (broadcast);
// alpha >= 0 (0 returns `independent`).
GEN_API torch::Tensor mix_shared_noise(const torch::Tensor& independent, const torch::Tensor& shared, double alpha);

}  // namespace gen
