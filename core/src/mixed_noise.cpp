#include <gen/mixed_noise.h>

#include <cmath>
#include <string>

#include <gen/error.h>

namespace gen {

std::vector<int64_t> shared_noise_shape(at::IntArrayRef shape, int64_t dim) {
  if (dim < 1 || dim >= static_cast<int64_t>(shape.size()))
    throw UsageError("shared noise along dimension " + std::to_string(dim) + " of a " + std::to_string(shape.size()) +
                     "-dimensional sample: it must be one of dimensions 1.." + std::to_string(shape.size() - 1));
  std::vector<int64_t> out(shape.begin(), shape.end());
  out[static_cast<size_t>(dim)] = 1;
  return out;
}

torch::Tensor mix_shared_noise(const torch::Tensor& independent, const torch::Tensor& shared, double alpha) {
  if (!(alpha >= 0)) throw UsageError("shared noise strength must be >= 0, got " + std::to_string(alpha));
  if (alpha == 0) return independent;
  return (alpha * shared + independent) / std::sqrt(1 + alpha * alpha);
}

}  // namespace gen
