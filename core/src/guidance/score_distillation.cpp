#include <gen/guidance.h>

#include <torch/autograd.h>

#include <gen/error.h>

namespace gen {

namespace {

torch::Tensor sds_weight(const std::string& weighting, const torch::Tensor& abar) {
  if (weighting == "sds") return 1 - abar;
  if (weighting == "uniform") return torch::ones_like(abar);
  if (weighting == "snr") return abar.sqrt() * (1 - abar);
  throw UsageError("unknown SDS weighting '" + weighting + "' (valid: sds, uniform, snr)");
}

}  // namespace

SdsResult score_distillation(Denoiser& model, const torch::Tensor& x0, const Conditioning& cond,
                             const torch::Tensor& alphas_cumprod, const SdsOptions& options,
                             at::Generator& generator) {
  if (!(options.t_min >= 0 && options.t_min <= options.t_max && options.t_max <= 1))
    throw UsageError("SDS timestep range must satisfy 0 <= t_min <= t_max <= 1");
  const int64_t n = alphas_cumprod.size(0), batch = x0.size(0);
  const auto lo = static_cast<int64_t>(options.t_min * (n - 1));
  const auto hi = static_cast<int64_t>(options.t_max * (n - 1));
  auto t = torch::randint(lo, hi + 1, {batch}, generator, torch::kLong);
  auto noise = torch::randn(x0.sizes(), generator, x0.scalar_type());
  auto process = vp_process(alphas_cumprod);
  auto [a, s] = process(t, x0);

  torch::Tensor grad;
  {
    torch::NoGradGuard frozen;  // the denoiser is frozen: no graph through it (the SDS trick)
    auto x0_value = x0.detach();
    auto x_t = a * x0_value + s * noise;
    auto eps = prediction_to_epsilon(model.prediction_type(), model.predict(x_t, t, cond), x_t, a, s);
    auto w = sds_weight(options.weighting, a * a);
    grad = w * (eps - noise);
  }
  // d/dx0 of 0.5 * ||x0 - stopgrad(x0 - grad)||^2 is exactly grad.
  auto target = (x0.detach() - grad).detach();
  auto loss = 0.5 * (x0 - target).pow(2).sum();
  return {grad, loss, t};
}

}  // namespace gen
