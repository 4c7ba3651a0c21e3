// Euler on a rectified-flow / flow-matching ODE x_t = (1 - sigma) x0 + sigma eps with a
// velocity model, sigmas time-shifted by `shift` (SD3); diffusers'
// FlowMatchEulerDiscreteScheduler 0.29.2, whose last sigma is shifted twice (kept for
// exactness; see docs/samplers.md).
#include <gen/error.h>

#include "samplers.h"

namespace gen::samplers {
namespace {

class FlowEuler : public Sampler {
 public:
  explicit FlowEuler(SchedulerConfig c) : Sampler(std::move(c)) {
    if (config_.shift <= 0) throw UsageError("flow_euler: shift must be > 0");
    config_.prediction_type = PredictionType::flow;
    // Training sigmas in float32: t/N for t = N..1, shifted.
    const int n = config_.num_train_timesteps;
    auto t = torch::tensor(torch::ArrayRef<double>(linspace(1, n, n)), torch::kFloat64).to(torch::kFloat32).flip(0);
    auto s = t / n;
    s = config_.shift * s / (1 + (config_.shift - 1) * s);
    sigma_max_ = s[0].item<float>();
    sigma_min_ = s[-1].item<float>();
  }
  const char* name() const override { return "flow_euler"; }

  void set_timesteps(int n) override {
    if (n < 1) throw UsageError("the number of steps must be at least 1");
    num_inference_steps_ = n;
    const double N = config_.num_train_timesteps, shift = config_.shift;
    std::vector<float> sigmas;
    for (double t : linspace(sigma_max_ * N, sigma_min_ * N, n)) {
      double s = t / N;
      sigmas.push_back(static_cast<float>(shift * s / (1 + (shift - 1) * s)));
    }
    auto sig = float_tensor(sigmas);
    timesteps_ = sig * static_cast<float>(N);
    sigmas.push_back(0.0f);
    sigma_values_ = sigmas;
    sigmas_ = float_tensor(sigmas);
  }

  torch::Tensor step(const torch::Tensor& v, int64_t i, const torch::Tensor& x, NoiseSource&) override {
    check_index(i);
    float sigma = sigma_values_[i];
    auto denoised = x - v * sigma;
    auto derivative = (x - denoised) / sigma;
    return x + derivative * (sigma_values_[i + 1] - sigma);
  }

 protected:
  std::pair<float, float> signal_noise(int64_t i) const override {
    check_index(i);
    return {1.0f - sigma_values_[i], sigma_values_[i]};
  }

 private:
  float sigma_max_ = 1, sigma_min_ = 0;
  std::vector<float> sigma_values_;
};

}  // namespace

std::unique_ptr<Sampler> make_flow_euler(SchedulerConfig c) { return std::make_unique<FlowEuler>(std::move(c)); }

}  // namespace gen::samplers
