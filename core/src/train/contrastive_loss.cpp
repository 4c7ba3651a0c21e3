#include <torch/nn/functional/loss.h>

#include <gen/error.h>
#include <gen/train_parts.h>

namespace gen {

torch::Tensor clip_contrastive_loss(const torch::Tensor& logits) {
  if (logits.dim() != 2 || logits.size(0) != logits.size(1))
    throw Error("clip_contrastive_loss takes square [B, B] logits, got " + c10::str(logits.sizes()));
  namespace F = torch::nn::functional;
  const auto target = torch::arange(logits.size(0), torch::kLong);
  return 0.5 * (F::cross_entropy(logits, target) + F::cross_entropy(logits.t(), target));
}

}  // namespace gen
