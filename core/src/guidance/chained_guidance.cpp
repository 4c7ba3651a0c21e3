#include <cmath>
#include <string>

#include <gen/error.h>
#include <gen/guidance.h>

#include "conditioning_batch.h"

namespace gen {

ChainedGuidance::ChainedGuidance(Denoiser& model, std::vector<Conditioning> chain, std::vector<double> scales)
    : model_(model), chain_(std::move(chain)), scales_(std::move(scales)) {
  if (chain_.empty() || chain_.size() != scales_.size())
    throw Error("chained guidance needs one scale per link: " + std::to_string(chain_.size()) + " conditionings, " +
                std::to_string(scales_.size()) + " scales");
  for (double s : scales_)
    if (!std::isfinite(s) || s < 0) throw UsageError("guidance scales must be finite numbers >= 0");
}

torch::Tensor ChainedGuidance::predict(const torch::Tensor& x_t, const torch::Tensor& t, const Conditioning& cond) {
  const int64_t batch = x_t.size(0);
  const auto links = static_cast<int64_t>(chain_.size()) + 1;
  std::vector<Conditioning> conds;
  for (const auto& c : chain_) conds.push_back(detail::broadcast_conditioning(c, batch));
  conds.push_back(cond);
  std::vector<const Conditioning*> parts;
  for (const auto& c : conds) parts.push_back(&c);

  const auto tt = t.numel() == 1 ? t.reshape({1}).expand({batch}) : t;
  std::vector<torch::Tensor> pred;
  Conditioning all;
  if (detail::stack_conditionings(parts, all)) {
    ++calls_;
    const auto out = model_.predict(torch::cat(std::vector<torch::Tensor>(links, x_t), 0),
                                    torch::cat(std::vector<torch::Tensor>(links, tt), 0), all);
    for (int64_t k = 0; k < links; ++k) pred.push_back(out.narrow(0, k * batch, batch));
  } else {  // shapes differ (e.g. prompt lengths): one call per link, the same result
    for (const auto& c : conds) {
      ++calls_;
      pred.push_back(model_.predict(x_t, tt, c));
    }
  }
  auto guided = pred[0];
  for (size_t k = 1; k < pred.size(); ++k) guided = guided + scales_[k - 1] * (pred[k] - pred[k - 1]);
  return guided;
}

}  // namespace gen
