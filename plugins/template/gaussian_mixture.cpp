#include <cmath>

#include "template.h"

namespace gen_template {

GaussianMixture2d GaussianMixture2d::from_spec(const MixtureSpec& spec) {
  const int k = spec.components;
  auto means = torch::empty({k, 2}, torch::kFloat64);
  if (spec.layout == "ring") {
    for (int i = 0; i < k; ++i) {
      const double a = 2.0 * M_PI * i / k;
      means[i][0] = 0.8 * std::cos(a);
      means[i][1] = 0.8 * std::sin(a);
    }
  } else {  // grid: the smallest square holding k points, filled row by row
    const int side = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(k))));
    for (int i = 0; i < k; ++i) {
      const double step = side > 1 ? 1.6 / (side - 1) : 0.0;
      means[i][0] = side > 1 ? -0.8 + step * (i % side) : 0.0;
      means[i][1] = side > 1 ? 0.8 - step * (i / side) : 0.0;
    }
  }
  return {means, spec.spread * spec.spread};
}

MixtureDenoiser::MixtureDenoiser(GaussianMixture2d mixture, torch::Tensor alphas_cumprod)
    : mixture_(std::move(mixture)), alphas_cumprod_(alphas_cumprod.to(torch::kFloat64)) {}

torch::Tensor MixtureDenoiser::alpha_bar_at(const torch::Tensor& t) const {
  const auto n = alphas_cumprod_.size(0);
  auto tt = t.to(torch::kFloat64).clamp(0, static_cast<double>(n - 1));
  auto lo = tt.floor().to(torch::kLong);
  auto hi = (lo + 1).clamp_max(n - 1);
  auto w = tt - lo.to(torch::kFloat64);
  return alphas_cumprod_.index({lo}) * (1 - w) + alphas_cumprod_.index({hi}) * w;
}

// With x0 ~ sum_k w_k N(mu_k, v I), x_t ~ sum_k w_k N(a mu_k, (a^2 v + s^2) I), and
// E[x0 | x_t] = sum_k r_k(x_t) (mu_k + a v / (a^2 v + s^2) (x_t - a mu_k)),
// r_k the posterior responsibility of component k. Epsilon follows from x_t and x0.
torch::Tensor MixtureDenoiser::predict(const torch::Tensor& x_t, const torch::Tensor& t,
                                       const gen::Conditioning&) {
  auto x = x_t.to(torch::kFloat64);                         // [N, 2]
  auto abar = alpha_bar_at(t.reshape({-1}).expand({x.size(0)}));  // [N]
  auto a = abar.sqrt().unsqueeze(1);                        // [N, 1]
  auto s2 = (1 - abar).unsqueeze(1);                        // [N, 1]
  const double v = mixture_.variance;
  auto total_var = a * a * v + s2;                          // [N, 1]
  auto centred = x.unsqueeze(1) - a.unsqueeze(1) * mixture_.means.unsqueeze(0);  // [N, K, 2]
  auto log_r = -(centred * centred).sum(2) / (2 * total_var);                    // [N, K]
  auto r = torch::softmax(log_r, 1).unsqueeze(2);                                // [N, K, 1]
  auto x0_k = mixture_.means.unsqueeze(0) + (a * v / total_var).unsqueeze(1) * centred;
  auto x0 = (r * x0_k).sum(1);                                                   // [N, 2]
  auto eps = (x - a * x0) / s2.sqrt();
  return eps.to(x_t.scalar_type());
}

}  // namespace gen_template
