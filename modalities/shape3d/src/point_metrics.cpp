#include <gen/error.h>
#include <gen/shape3d/point_metrics.h>

#include <torch/torch.h>

#include <limits>
#include <set>

namespace gen::shape3d {

namespace {

torch::Tensor as_points(const torch::Tensor& t) {
  if (!t.defined() || t.dim() != 2 || t.size(1) != 3 || t.size(0) < 1)
    throw UsageError("a point cloud must be an N x 3 tensor with N >= 1");
  return t.to(torch::kFloat64);
}

}  // namespace

double chamfer_distance(const torch::Tensor& x, const torch::Tensor& y) {
  const auto d = torch::cdist(as_points(x), as_points(y)).pow(2);
  return (std::get<0>(d.min(1)).mean() + std::get<0>(d.min(0)).mean()).item<double>();
}

torch::Tensor chamfer_matrix(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  auto m = torch::empty({static_cast<int64_t>(a.size()), static_cast<int64_t>(b.size())}, torch::kFloat64);
  auto acc = m.accessor<double, 2>();
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = 0; j < b.size(); ++j) acc[i][j] = chamfer_distance(a[i], b[j]);
  return m;
}

SetMetrics set_metrics(const std::vector<torch::Tensor>& generated, const std::vector<torch::Tensor>& reference) {
  if (generated.empty() || reference.empty()) throw UsageError("set metrics need generated and reference clouds");
  const auto gr = chamfer_matrix(generated, reference);  // G x R
  SetMetrics m;
  m.mmd = std::get<0>(gr.min(0)).mean().item<double>();
  const auto nearest = std::get<1>(gr.min(1));
  std::set<int64_t> covered;
  for (int64_t i = 0; i < nearest.size(0); ++i) covered.insert(nearest[i].item<int64_t>());
  m.coverage = static_cast<double>(covered.size()) / static_cast<double>(reference.size());
  // 1-NNA over the union, each sample's own distance excluded.
  const auto gg = chamfer_matrix(generated, generated), rr = chamfer_matrix(reference, reference);
  const auto g = static_cast<int64_t>(generated.size()), r = static_cast<int64_t>(reference.size());
  auto all = torch::cat({torch::cat({gg, gr}, 1), torch::cat({gr.t(), rr}, 1)}, 0);
  all.diagonal().fill_(std::numeric_limits<double>::infinity());
  const auto nn = std::get<1>(all.min(1));
  int64_t right = 0;
  for (int64_t i = 0; i < g + r; ++i) right += ((i < g) == (nn[i].item<int64_t>() < g)) ? 1 : 0;
  m.nna = static_cast<double>(right) / static_cast<double>(g + r);
  return m;
}

}  // namespace gen::shape3d
