#include <gen/guidance.h>

#include <gen/error.h>

#include "conditioning_batch.h"

namespace gen {

torch::Tensor combine_cfg(const torch::Tensor& uncond, const torch::Tensor& cond, double scale, double rescale) {
  auto guided = uncond + scale * (cond - uncond);
  if (rescale <= 0.0) return guided;
  // Per-sample std over every non-batch dimension, as diffusers' rescale_noise_cfg.
  std::vector<int64_t> dims;
  for (int64_t d = 1; d < cond.dim(); ++d) dims.push_back(d);
  auto std_cond = cond.std(dims, /*unbiased=*/true, /*keepdim=*/true);
  auto std_guided = guided.std(dims, true, true);
  auto rescaled = guided * (std_cond / std_guided);
  return rescale * rescaled + (1.0 - rescale) * guided;
}

ClassifierFreeGuidance::ClassifierFreeGuidance(Denoiser& model, Conditioning uncond, CfgOptions options)
    : model_(model), uncond_(std::move(uncond)), options_(options) {
  if (!std::isfinite(options_.scale) || options_.scale < 0)
    throw UsageError("cfg scale must be a finite number >= 0");
  if (!(options_.rescale >= 0 && options_.rescale <= 1)) throw UsageError("guidance rescale must be in [0, 1]");
}

bool ClassifierFreeGuidance::in_interval(const torch::Tensor& t) const {
  const double tv = t.reshape({-1})[0].item<double>();
  return tv >= options_.t_min && tv <= options_.t_max;
}

torch::Tensor ClassifierFreeGuidance::predict(const torch::Tensor& x_t, const torch::Tensor& t,
                                              const Conditioning& cond) {
  // scale 1 is the conditional prediction exactly; skip the second half of the batch.
  if (options_.scale == 1.0 || !in_interval(t)) {
    ++calls_;
    return model_.predict(x_t, t, cond);
  }
  const int64_t batch = x_t.size(0);
  auto uncond = detail::broadcast_conditioning(uncond_, batch);
  auto tt = t.numel() == 1 ? t.reshape({1}).expand({batch}) : t;
  Conditioning both;
  torch::Tensor out_uncond, out_cond;
  if (detail::stack_conditionings({&uncond, &cond}, both)) {
    ++calls_;
    auto out = model_.predict(torch::cat({x_t, x_t}, 0), torch::cat({tt, tt}, 0), both);
    out_uncond = out.narrow(0, 0, batch);
    out_cond = out.narrow(0, batch, batch);
  } else {  // shapes differ (e.g. prompt lengths): two calls give the same result
    calls_ += 2;
    out_uncond = model_.predict(x_t, tt, uncond);
    out_cond = model_.predict(x_t, tt, cond);
  }
  return combine_cfg(out_uncond, out_cond, options_.scale, options_.rescale);
}

}  // namespace gen
