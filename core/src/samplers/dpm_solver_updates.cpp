// The DPM-Solver++ updates (Lu et al. 2022, "DPM-Solver++", eqs. for the multistep
// midpoint solvers, and its SDE variant). All scalars are float32, use torch's exp/log
// and are combined in diffusers' order: the golden trajectories then match bit for bit.
// With lambda = log(alpha/sigma) and h = lambda_t - lambda_s > 0:
//   ODE: x_t = (sigma_t/sigma_s) x_s + alpha_t (1 - e^-h) x0 + higher-order corrections
//   SDE: x_t = (sigma_t/sigma_s) e^-h x_s + alpha_t (1 - e^-2h) x0 + sigma_t sqrt(1 - e^-2h) z
// At sigma_t = 0 (final_sigmas_type "zero") h = +inf and both return x0 exactly.
#include <cmath>

#include "dpm_solver.h"
#include "samplers.h"

namespace gen::samplers {
namespace {

// What every order needs: the target's alpha/sigma, the current sigma and the step h.
struct Levels {
  float alpha_t, sigma_t, sigma_s0, h;
  std::vector<float> r;  // r[k-1] = (lambda_{s_{k-1}} - lambda_{s_k}) / h, the earlier steps relative to h
};

Levels levels(const DpmStep& s) {
  Levels l;
  std::tie(l.alpha_t, l.sigma_t) = vp_alpha_sigma(s.to);
  l.sigma_s0 = vp_alpha_sigma(s.from[0]).second;
  l.h = vp_lambda(s.to) - vp_lambda(s.from[0]);
  for (size_t k = 1; k < s.from.size(); ++k) l.r.push_back((vp_lambda(s.from[k - 1]) - vp_lambda(s.from[k])) / l.h);
  return l;
}

// Backward difference of the two newest x0 predictions per unit of h: D1 = (m0 - m1) / r0.
torch::Tensor slope(const Levels& l, const std::vector<torch::Tensor>& m) { return (1.0f / l.r[0]) * (m[0] - m[1]); }

}  // namespace

torch::Tensor first_order(const DpmStep& s, const torch::Tensor& x, const std::vector<torch::Tensor>& m) {
  auto l = levels(s);
  return (l.sigma_t / l.sigma_s0) * x - (l.alpha_t * (torch_exp(-l.h) - 1.0f)) * m[0];
}

torch::Tensor second_order(const DpmStep& s, const torch::Tensor& x, const std::vector<torch::Tensor>& m) {
  auto l = levels(s);
  float phi = l.alpha_t * (torch_exp(-l.h) - 1.0f);
  return (l.sigma_t / l.sigma_s0) * x - phi * m[0] - (0.5f * phi) * slope(l, m);
}

// Third order: the first and second divided differences of m0, m1, m2 in lambda.
torch::Tensor third_order(const DpmStep& s, const torch::Tensor& x, const std::vector<torch::Tensor>& m) {
  auto l = levels(s);
  const float r0 = l.r[0], r1 = l.r[1], h = l.h, e = torch_exp(-h);
  auto d1_0 = (1.0f / r0) * (m[0] - m[1]);
  auto d1_1 = (1.0f / r1) * (m[1] - m[2]);
  auto d1 = d1_0 + (r0 / (r0 + r1)) * (d1_0 - d1_1);
  auto d2 = (1.0f / (r0 + r1)) * (d1_0 - d1_1);
  return (l.sigma_t / l.sigma_s0) * x - (l.alpha_t * (e - 1.0f)) * m[0] +
         (l.alpha_t * ((e - 1.0f) / h + 1.0f)) * d1 - (l.alpha_t * ((e - 1.0f + h) / (h * h) - 0.5f)) * d2;
}

torch::Tensor sde_first_order(const DpmStep& s, const torch::Tensor& x, const std::vector<torch::Tensor>& m,
                              const torch::Tensor& z) {
  auto l = levels(s);
  const float e2 = torch_exp(-2.0f * l.h);
  return (l.sigma_t / l.sigma_s0 * torch_exp(-l.h)) * x + (l.alpha_t * (1.0f - e2)) * m[0] +
         (l.sigma_t * std::sqrt(1.0f - e2)) * z;
}

torch::Tensor sde_second_order(const DpmStep& s, const torch::Tensor& x, const std::vector<torch::Tensor>& m,
                               const torch::Tensor& z) {
  auto l = levels(s);
  const float e2 = torch_exp(-2.0f * l.h), phi = l.alpha_t * (1.0f - e2);
  return (l.sigma_t / l.sigma_s0 * torch_exp(-l.h)) * x + phi * m[0] + (0.5f * phi) * slope(l, m) +
         (l.sigma_t * std::sqrt(1.0f - e2)) * z;
}

}  // namespace gen::samplers
