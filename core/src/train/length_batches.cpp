#include <gen/length_batches.h>

#include <torch/torch.h>

#include <gen/error.h>

namespace gen {

LengthBatches::LengthBatches(const torch::Tensor& lengths, int64_t batch, int64_t window) : batch_(batch) {
  if (lengths.dim() != 1 || lengths.size(0) == 0) throw UsageError("length batches need a non-empty list of lengths");
  if (batch < 1) throw UsageError("length batches need a batch of at least 1");
  const int64_t n = lengths.size(0);
  window_ = window <= 0 ? 0 : std::min(n, std::max(window, batch));
  // Stable, so equal lengths keep the dataset's order and the draws are the same everywhere.
  order_ = std::get<1>(lengths.to(torch::kLong).sort(c10::optional<bool>(true), 0));
}

torch::Tensor LengthBatches::draw(at::Generator& g) const {
  const int64_t n = order_.size(0);
  if (window_ == 0) return torch::randint(0, n, {batch_}, g, torch::kLong);
  const int64_t start = torch::randint(0, n, {1}, g, torch::kLong).item<int64_t>();
  // Distinct items, unless the whole set is smaller than a batch.
  auto picked = batch_ <= window_ ? torch::randperm(window_, g, torch::kLong).narrow(0, 0, batch_)
                                  : torch::randint(0, window_, {batch_}, g, torch::kLong);
  return order_.index_select(0, (picked + start).remainder(n));
}

}  // namespace gen
