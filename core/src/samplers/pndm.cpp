// PNDM's linear multistep part, PLMS (Liu et al. 2022), as diffusers' PNDMScheduler with
// skip_prk_steps: n+1 model calls, the second timestep visited twice to warm up.
#include <cmath>
#include <deque>

#include <gen/error.h>

#include "samplers.h"

namespace gen::samplers {
namespace {

class Pndm : public Sampler {
 public:
  explicit Pndm(SchedulerConfig c) : Sampler(std::move(c)) {
    alphas_cumprod_ = make_alphas_cumprod(config_);
    final_abar_ = config_.set_alpha_to_one ? 1.0f : alphas_cumprod_.front();
  }
  const char* name() const override { return "pndm"; }

  void set_timesteps(int n) override {
    num_inference_steps_ = n;
    auto grid = timestep_grid(config_.spacing_or("leading"), config_.num_train_timesteps, n, config_.steps_offset, true);
    // grid is descending: [t_{n-1}, ..., t_0]; PLMS visits t_{n-1}, t_{n-2}, t_{n-2}, ..., t_0.
    std::vector<double> plms{grid.front()};
    if (grid.size() > 1) {
      plms.push_back(grid[1]);
      plms.insert(plms.end(), grid.begin() + 1, grid.end());
    }
    timesteps_ = timestep_tensor(plms, torch::kInt64);
    ets_.clear();
    counter_ = 0;
    cur_sample_ = torch::Tensor();
  }

  torch::Tensor step(const torch::Tensor& out, int64_t i, const torch::Tensor& x, NoiseSource&) override {
    check_index(i);
    if (i == 0) reset();
    const int64_t ratio = config_.num_train_timesteps / num_inference_steps_;
    int64_t t = timesteps_[i].item<int64_t>();
    int64_t prev_t = t - ratio;
    if (counter_ != 1) {
      while (ets_.size() > 3) ets_.pop_front();
      ets_.push_back(out);
    } else {
      prev_t = t;
      t = t + ratio;
    }
    torch::Tensor eps, sample = x;
    if (ets_.size() == 1 && counter_ == 0) {
      eps = out;
      cur_sample_ = x;
    } else if (ets_.size() == 1 && counter_ == 1) {
      eps = (out + ets_.back()) / 2;
      sample = cur_sample_;
      cur_sample_ = torch::Tensor();
    } else if (ets_.size() == 2) {
      eps = (3 * ets_[1] - ets_[0]) / 2;
    } else if (ets_.size() == 3) {
      eps = (23 * ets_[2] - 16 * ets_[1] + 5 * ets_[0]) / 12;
    } else {
      eps = (1.0 / 24) * (55 * ets_[3] - 59 * ets_[2] + 37 * ets_[1] - 9 * ets_[0]);
    }
    ++counter_;
    return previous_sample(sample, t, prev_t, eps);
  }

 private:
  void reset() {
    ets_.clear();
    counter_ = 0;
    cur_sample_ = torch::Tensor();
  }

  // Formula (9) of the PNDM paper: the DDIM transfer written with eps.
  torch::Tensor previous_sample(const torch::Tensor& x, int64_t t, int64_t prev_t, torch::Tensor eps) const {
    float abar = alphas_cumprod_.at(t);
    float abar_prev = prev_t >= 0 ? alphas_cumprod_.at(prev_t) : final_abar_;
    float beta_prod = 1 - abar, beta_prod_prev = 1 - abar_prev;
    switch (prediction_type()) {
      case PredictionType::epsilon: break;
      case PredictionType::v_prediction: eps = std::sqrt(abar) * eps + std::sqrt(beta_prod) * x; break;
      default: throw UsageError("pndm takes epsilon or v_prediction models only");
    }
    float x_coeff = std::sqrt(abar_prev / abar);
    float denom = abar * std::sqrt(beta_prod_prev) + std::sqrt(abar * beta_prod * abar_prev);
    return x_coeff * x - (abar_prev - abar) * eps / denom;
  }

  float final_abar_;
  std::deque<torch::Tensor> ets_;
  int counter_ = 0;
  torch::Tensor cur_sample_;
};

}  // namespace

std::unique_ptr<Sampler> make_pndm(SchedulerConfig c) { return std::make_unique<Pndm>(std::move(c)); }

}  // namespace gen::samplers
