#include <gen/guidance.h>

#include <torch/autograd.h>

#include <gen/error.h>

namespace gen {

ProcessAt vp_process(const torch::Tensor& alphas_cumprod) {
  auto table = alphas_cumprod.to(torch::kFloat64);
  return [table](const torch::Tensor& t, const torch::Tensor& x_t) {
    const auto n = table.size(0);
    auto tt = t.reshape({-1}).to(torch::kFloat64).clamp(0, static_cast<double>(n - 1));
    if (tt.numel() == 1 && x_t.size(0) > 1) tt = tt.expand({x_t.size(0)});
    auto lo = tt.floor().to(torch::kLong);
    auto hi = (lo + 1).clamp_max(n - 1);
    auto w = tt - lo.to(torch::kFloat64);
    auto abar = table.index({lo}) * (1 - w) + table.index({hi}) * w;
    std::vector<int64_t> shape(static_cast<size_t>(x_t.dim()), 1);
    shape[0] = -1;
    auto dtype = x_t.scalar_type();
    return ProcessCoefficients{abar.sqrt().reshape(shape).to(dtype), (1 - abar).sqrt().reshape(shape).to(dtype)};
  };
}

ClassifierGuidance::ClassifierGuidance(Denoiser& model, LogProb critic, ProcessAt process, double scale)
    : model_(model), critic_(std::move(critic)), process_(std::move(process)), scale_(scale) {
  if (!std::isfinite(scale_)) throw UsageError("classifier guidance scale must be finite");
}

torch::Tensor ClassifierGuidance::predict(const torch::Tensor& x_t, const torch::Tensor& t, const Conditioning& cond) {
  auto [a, s] = process_(t, x_t);
  auto eps = prediction_to_epsilon(model_.prediction_type(), model_.predict(x_t, t, cond), x_t, a, s);
  torch::Tensor grad;
  {
    torch::AutoGradMode enable(true);
    auto x = x_t.detach().requires_grad_(true);
    auto log_p = critic_(x, t);
    grad = torch::autograd::grad({log_p.sum()}, {x})[0];
  }
  // eps_hat = eps - sqrt(1 - abar) * scale * grad log p(y | x_t)
  return eps - scale_ * s * grad.detach();
}

}  // namespace gen
