// Linear multistep (k-diffusion's sample_lms, order 4): integrates the Lagrange
// polynomial through the last derivatives over each sigma interval;
// diffusers' LMSDiscreteScheduler.
#include <deque>

#include "samplers.h"

namespace gen::samplers {
namespace {

constexpr int kOrder = 4;

class Lms : public SigmaScaledSampler {
 public:
  explicit Lms(SchedulerConfig c) : SigmaScaledSampler(std::move(c)) {
    alphas_cumprod_ = make_alphas_cumprod(config_);
  }
  const char* name() const override { return "lms"; }

  void set_timesteps(int n) override {
    num_inference_steps_ = n;
    bool karras = config_.use_karras_sigmas || config_.use_exponential_sigmas;
    install(discrete_sigma_grid(config_, alphas_cumprod_, n, !karras), !karras);
    derivatives_.clear();
  }

  torch::Tensor step(const torch::Tensor& out, int64_t i, const torch::Tensor& x, NoiseSource&) override {
    check_index(i);
    if (i == 0) derivatives_.clear();
    float s = sigma(i);
    auto x0 = sigma_x0(prediction_type(), out, x, s);
    derivatives_.push_back((x - x0) / s);
    if (derivatives_.size() > kOrder) derivatives_.pop_front();
    int order = std::min<int>(static_cast<int>(i) + 1, kOrder);
    torch::Tensor sum;
    for (int k = 0; k < order; ++k) {
      auto term = coefficient(order, i, k) * derivatives_[derivatives_.size() - 1 - k];
      sum = k == 0 ? term : sum + term;
    }
    return x + sum;
  }

 private:
  // Integral over [sigma_i, sigma_{i+1}] of the Lagrange basis polynomial of node i-k.
  // The integrand has degree < 4, so 4-point Gauss-Legendre is exact.
  float coefficient(int order, int64_t i, int k) const {
    static const double nodes[4] = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
    static const double weights[4] = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538};
    double a = sigma(i), b = sigma(i + 1), total = 0;
    for (int q = 0; q < 4; ++q) {
      double tau = 0.5 * (b - a) * nodes[q] + 0.5 * (a + b), prod = 1;
      for (int m = 0; m < order; ++m) {
        if (m == k) continue;
        prod *= (tau - sigma(i - m)) / (static_cast<double>(sigma(i - k)) - sigma(i - m));
      }
      total += weights[q] * prod;
    }
    return static_cast<float>(0.5 * (b - a) * total);
  }

  std::deque<torch::Tensor> derivatives_;
};

}  // namespace

std::unique_ptr<Sampler> make_lms(SchedulerConfig c) { return std::make_unique<Lms>(std::move(c)); }

}  // namespace gen::samplers
