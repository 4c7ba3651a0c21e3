// Batches of sequences of similar length. A padded batch costs as much as its longest
// member, so drawing every batch from a window of neighbours in length order cuts the
// padding (humans world motions of 41–135 frames: batches of 32 pad to ~125 frames drawn
// from all clips, to ~95 from windows of 256). Stateless, so a trainer that restores its
// generator resumes the same batches; each clip is still drawn with probability
// batch / N per step, because the window start is uniform over a circular order.
#pragma once
#include <cstdint>

#include <torch/types.h>

#include <gen/export.h>

namespace gen {

class GEN_API LengthBatches {
 public:
  // `lengths` [N] int64; `window` clips of neighbouring length per draw (clamped to
  // [batch, N]; 0 = the whole set, drawn uniformly with replacement as without buckets).
  LengthBatches(const torch::Tensor& lengths, int64_t batch, int64_t window);
  // [batch] int64 indices into `lengths`, all randomness from `generator`.
  torch::Tensor draw(at::Generator& generator) const;
  int64_t window() const { return window_; }

 private:
  torch::Tensor order_;  // indices sorted by length
  int64_t batch_, window_;
};

}  // namespace gen
