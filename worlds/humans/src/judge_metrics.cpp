#include <gen/humans/judge_metrics.h>

#include <algorithm>
#include <numeric>

#include <gen/error.h>
#include <gen/seeded_rng.h>


namespace gen::humans {

namespace {

std::vector<int64_t> shuffled(int64_t n, uint64_t seed) {
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  Rng rng(seed);
  for (int64_t i = n - 1; i > 0; --i) std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(rng.integer(0, static_cast<int>(i)))]);
  return order;
}

void check_rows(const torch::Tensor& x, int64_t min_rows, const char* what) {
  if (!x.defined() || x.dim() != 2 || x.size(0) < min_rows)
    throw UsageError(std::string(what) + " needs embeddings [N >= " + std::to_string(min_rows) + ", D]");
}

}  // namespace

RPrecision r_precision(const torch::Tensor& motions, const torch::Tensor& captions, uint64_t seed, int batch) {
  check_rows(motions, 2, "R-precision");
  if (captions.sizes() != motions.sizes()) throw UsageError("R-precision needs one caption per motion");
  const int64_t n = motions.size(0);
  const int64_t size = std::min<int64_t>(batch, n), batches = n / size;
  const auto order = torch::tensor(shuffled(n, seed), torch::kInt64);
  RPrecision r;
  r.batch = static_cast<int>(size);
  std::array<double, 3> hits{};
  for (int64_t b = 0; b < batches; ++b) {
    const auto rows = order.narrow(0, b * size, size);
    const auto d = torch::cdist(motions.index_select(0, rows).to(torch::kFloat64),
                                captions.index_select(0, rows).to(torch::kFloat64));  // [motion, caption]
    const auto own = d.diagonal().unsqueeze(1);
    const auto rank = (d < own - 1e-9).sum(1);  // captions strictly nearer than the motion's own
    for (int k = 0; k < 3; ++k) hits[static_cast<size_t>(k)] += (rank <= k).sum().item<double>();
  }
  const double total = static_cast<double>(batches * size);
  r.top1 = hits[0] / total, r.top2 = hits[1] / total, r.top3 = hits[2] / total;
  return r;
}

double diversity(const torch::Tensor& embeddings, uint64_t seed, int pairs) {
  check_rows(embeddings, 2, "diversity");
  const int n = static_cast<int>(embeddings.size(0));
  Rng rng(seed);
  std::vector<int64_t> first, second;
  for (int p = 0; p < pairs; ++p) {
    const int i = rng.integer(0, n - 1);
    int j = rng.integer(0, n - 2);
    j += j >= i;  // any row but i
    first.push_back(i), second.push_back(j);
  }
  const auto x = embeddings.to(torch::kFloat64);
  return (x.index_select(0, torch::tensor(first)) - x.index_select(0, torch::tensor(second))).norm(2, 1).mean().item<double>();
}

double multimodality(const std::vector<torch::Tensor>& groups) {
  double sum = 0;
  int64_t count = 0;
  for (const auto& g : groups) {
    if (!g.defined() || g.dim() != 2) throw UsageError("multimodality needs embeddings [K, D] per caption");
    if (g.size(0) < 2) continue;
    const auto d = torch::cdist(g.to(torch::kFloat64), g.to(torch::kFloat64));
    const int64_t k = g.size(0);
    sum += d.sum().item<double>() / 2;  // each pair once
    count += k * (k - 1) / 2;
  }
  if (count == 0) throw UsageError("multimodality needs at least one caption with 2 motions");
  return sum / static_cast<double>(count);
}

}  // namespace gen::humans
