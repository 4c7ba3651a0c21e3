#include <gen/frechet_distance.h>

#include <algorithm>

#include <gen/error.h>

namespace gen {

double frechet_distance(const torch::Tensor& a_in, const torch::Tensor& b_in) {
  for (const auto* x : {&a_in, &b_in})
    if (!x->defined() || x->dim() != 2 || x->size(0) < 2)
      throw UsageError("the Fréchet distance needs embeddings [N >= 2, D]");
  if (a_in.size(1) != b_in.size(1)) throw UsageError("the Fréchet distance needs embeddings of one width");
  const auto a = a_in.to(torch::kFloat64), b = b_in.to(torch::kFloat64);
  auto stats = [](const torch::Tensor& x) {
    const auto mu = x.mean(0);
    const auto c = x - mu;
    return std::make_pair(mu, c.t().matmul(c) / static_cast<double>(x.size(0) - 1));
  };
  const auto [mu_a, s_a] = stats(a);
  const auto [mu_b, s_b] = stats(b);
  // The square root of a symmetric positive semi-definite matrix, by its eigenvectors
  // (symmetrised first: the product below is symmetric only up to rounding).
  auto sqrt_psd = [](const torch::Tensor& m) {
    const auto [w, v] = torch::linalg_eigh((m + m.t()) / 2, "L");
    return v.matmul(torch::diag(w.clamp_min(0).sqrt())).matmul(v.t());
  };
  const auto root_a = sqrt_psd(s_a);
  const auto middle = sqrt_psd(root_a.matmul(s_b).matmul(root_a));
  // Identical sets come out a rounding error below zero.
  return std::max(0.0, ((mu_a - mu_b).pow(2).sum() + (s_a + s_b - 2 * middle).trace()).item<double>());
}

}  // namespace gen
