// Latent consistency model sampling (Luo et al. 2023): each step maps x_t to a
// consistency-parametrised x0 and re-noises it to the next timestep of a skipping grid
// over the original 50-step schedule; diffusers' LCMScheduler.
#include <cmath>

#include <gen/error.h>

#include "samplers.h"

namespace gen::samplers {
namespace {

class Lcm : public Sampler {
 public:
  explicit Lcm(SchedulerConfig c) : Sampler(std::move(c)) {
    alphas_cumprod_ = make_alphas_cumprod(config_);
    final_abar_ = config_.set_alpha_to_one ? 1.0f : alphas_cumprod_.front();
    if (config_.original_inference_steps < 1 || config_.original_inference_steps > config_.num_train_timesteps)
      throw UsageError("lcm: original_inference_steps must be in 1..num_train_timesteps");
  }
  const char* name() const override { return "lcm"; }
  bool stochastic() const override { return true; }

  void set_timesteps(int n) override {
    const int original = config_.original_inference_steps;
    if (n < 1 || n > original)
      throw UsageError("lcm: steps must be in 1.." + std::to_string(original) + " (original_inference_steps)");
    num_inference_steps_ = n;
    const int k = config_.num_train_timesteps / original;
    std::vector<double> origin;  // descending: original*k - 1, ..., k - 1
    for (int j = original; j >= 1; --j) origin.push_back(static_cast<double>(j) * k - 1);
    std::vector<double> grid;
    for (int i = 0; i < n; ++i) grid.push_back(origin[static_cast<size_t>(std::floor(i * (double(original) / n)))]);
    timesteps_ = timestep_tensor(grid, torch::kInt64);
  }

  torch::Tensor step(const torch::Tensor& out, int64_t i, const torch::Tensor& x, NoiseSource& noise) override {
    check_index(i);
    int64_t t = timesteps_[i].item<int64_t>();
    int64_t prev_t = i + 1 < num_model_calls() ? timesteps_[i + 1].item<int64_t>() : t;
    float abar = alphas_cumprod_.at(t);
    float abar_prev = prev_t >= 0 ? alphas_cumprod_.at(prev_t) : final_abar_;
    // Boundary condition of consistency models: c_skip -> 1, c_out -> 0 as t -> 0.
    const float sigma_data = 0.5f;
    float scaled = static_cast<float>(t * config_.timestep_scaling);
    float c_skip = sigma_data * sigma_data / (scaled * scaled + sigma_data * sigma_data);
    float c_out = scaled / std::sqrt(scaled * scaled + sigma_data * sigma_data);
    auto x0 = prediction_to_x0(prediction_type(), out, x, torch::scalar_tensor(std::sqrt(abar)),
                               torch::scalar_tensor(std::sqrt(1 - abar)));
    auto denoised = c_out * x0 + c_skip * x;
    if (i == num_model_calls() - 1) return denoised;
    return std::sqrt(abar_prev) * denoised + std::sqrt(1 - abar_prev) * noise.next(out);
  }

 private:
  float final_abar_;
};

}  // namespace

std::unique_ptr<Sampler> make_lcm(SchedulerConfig c) { return std::make_unique<Lcm>(std::move(c)); }

}  // namespace gen::samplers
