#include <gen/gaussian_mixture.h>

#include <gen/error.h>

namespace gen {

torch::Tensor GaussianMixture::sample(int64_t n, int64_t condition, at::Generator& generator) const {
  auto w = weights[condition].to(torch::kFloat64);
  auto k = torch::multinomial(w, n, /*replacement=*/true, generator);
  auto noise = torch::randn({n, means.size(1)}, generator, torch::kFloat64);
  return means.to(torch::kFloat64).index({k}) + std::sqrt(variance) * noise;
}

std::pair<torch::Tensor, torch::Tensor> GaussianMixture::moments(int64_t condition) const {
  auto w = weights[condition].to(torch::kFloat64).unsqueeze(1);  // [K, 1]
  auto mu = means.to(torch::kFloat64);
  auto mean = (w * mu).sum(0);
  auto centred = mu - mean;
  auto cov = (w * centred).t().matmul(centred) + variance * torch::eye(mu.size(1), torch::kFloat64);
  return {mean, cov};
}

NoiseLevelFn vp_noise_levels(const std::vector<float>& alphas_cumprod) {
  std::vector<double> sigmas;
  for (float a : alphas_cumprod) sigmas.push_back(std::sqrt((1.0 - a) / a));
  auto table = torch::tensor(sigmas, torch::kFloat64);
  return [table](const torch::Tensor& t) {
    const auto n = table.size(0);
    auto tt = t.to(torch::kFloat64).clamp(0, static_cast<double>(n - 1));
    auto lo = tt.floor().to(torch::kLong);
    auto hi = (lo + 1).clamp_max(n - 1);
    auto w = tt - lo.to(torch::kFloat64);
    auto sigma = table.index({lo}) * (1 - w) + table.index({hi}) * w;
    auto a = 1 / (sigma * sigma + 1).sqrt();
    return std::make_pair(a, sigma * a);
  };
}

NoiseLevelFn flow_noise_levels(int num_train_timesteps) {
  return [num_train_timesteps](const torch::Tensor& t) {
    auto sigma = t.to(torch::kFloat64) / num_train_timesteps;
    return std::make_pair(1 - sigma, sigma);
  };
}

GaussianMixtureDenoiser::GaussianMixtureDenoiser(GaussianMixture mixture, NoiseLevelFn levels,
                                                 PredictionType prediction)
    : mixture_(std::move(mixture)), levels_(std::move(levels)), prediction_(prediction) {
  mixture_.means = mixture_.means.to(torch::kFloat64);
  if (!mixture_.weights.defined())
    mixture_.weights = torch::full({1, mixture_.means.size(0)}, 1.0 / mixture_.means.size(0), torch::kFloat64);
  mixture_.weights = mixture_.weights.to(torch::kFloat64);
  if (prediction_ != PredictionType::epsilon && prediction_ != PredictionType::flow)
    throw UsageError("GaussianMixtureDenoiser predicts epsilon or flow velocity");
}

// With x0 ~ sum_k w_k N(mu_k, v I): x_t | k ~ N(a mu_k, (a^2 v + s^2) I), so
// E[x0 | x_t] = sum_k r_k (mu_k + a v / (a^2 v + s^2) (x_t - a mu_k)) with r_k the
// posterior responsibilities (softmax of log w_k + the Gaussian log-likelihood).
torch::Tensor GaussianMixtureDenoiser::posterior_mean(const torch::Tensor& x, const torch::Tensor& a,
                                                      const torch::Tensor& s, const torch::Tensor& conditions) const {
  const auto& mu = mixture_.means;                      // [K, D]
  const double v = mixture_.variance;
  auto a2 = a.view({-1, 1, 1});                          // [N, 1, 1]
  auto total = a2 * a2 * v + (s * s).view({-1, 1, 1});   // [N, 1, 1]
  auto centred = x.unsqueeze(1) - a2 * mu.unsqueeze(0);  // [N, K, D]
  auto log_w = mixture_.weights.index({conditions}).clamp_min(1e-300).log();  // [N, K]
  auto log_r = log_w - (centred * centred).sum(2) / (2 * total.squeeze(2));
  auto r = torch::softmax(log_r, 1).unsqueeze(2);
  auto x0_k = mu.unsqueeze(0) + (a2 * v / total) * centred;
  return (r * x0_k).sum(1);
}

torch::Tensor GaussianMixtureDenoiser::predict(const torch::Tensor& x_t, const torch::Tensor& t,
                                               const Conditioning& cond) {
  const int64_t n = x_t.size(0);
  auto x = x_t.to(torch::kFloat64).reshape({n, -1});
  auto [a, s] = levels_(t.reshape({-1}).expand({n}));
  torch::Tensor conditions = torch::zeros({n}, torch::kLong);
  if (cond.context.defined()) conditions = cond.context.reshape({n, -1}).select(1, 0).round().to(torch::kLong);
  if (conditions.min().item<int64_t>() < 0 || conditions.max().item<int64_t>() >= mixture_.weights.size(0))
    throw UsageError("GaussianMixtureDenoiser: condition index out of range");
  auto x0 = posterior_mean(x, a, s, conditions);
  auto eps = (x - a.unsqueeze(1) * x0) / s.unsqueeze(1).clamp_min(1e-12);
  auto out = prediction_ == PredictionType::flow ? eps - x0 : eps;
  return out.reshape(x_t.sizes()).to(x_t.scalar_type());
}

}  // namespace gen
