// UniPC (Zhao et al. 2023) on data predictions, orders 2 and 3, with the paper's
// B(h) = e^h - 1 ("bh2") or B(h) = h ("bh1"): each step first corrects the current sample
// with the new model output (UniC), then predicts the next one (UniP); diffusers'
// UniPCMultistepScheduler.
//
// bh1 and a final sigma of 0: the last predictor step is first order, i.e. it has no
// earlier predictions to combine and so no B(h) term at all; we return its exact value
// (the x0 prediction, as bh2 does). diffusers 0.29.2 still multiplies B(h) = -inf by
// that empty residual and returns NaN, so only this final value differs from it.
#include <cmath>

#include <gen/error.h>

#include "samplers.h"

namespace gen::samplers {
namespace {

// The coefficients of one UniP/UniC update from sigma index s to index t, in log-SNR.
struct UniStep {
  float alpha_t, ratio, h_phi_1, b_h;  // ratio = sigma_t / sigma_s (VP sigmas)
  std::vector<float> rks;               // (lambda_{s-k} - lambda_s) / h for k = 1..order-1, then 1
  std::vector<float> b;                 // b_k = k! h phi_k(h) / B(h), k = 1..order
};

class UniPc : public AlphaSigmaSampler {
 public:
  explicit UniPc(SchedulerConfig c) : AlphaSigmaSampler(std::move(c)) {
    // As diffusers' constructor: DPM-Solver/DEIS solver types (from_config across
    // classes) stand for this class's default, bh2.
    const auto type = config_.solver_type.value_or("bh2");
    if (type == "midpoint" || type == "heun" || type == "logrho") config_.solver_type = "bh2";
    order_ = config_.solver_order;
    bh1_ = config_.solver_type.value_or("bh2") == "bh1";
    check_variant();
    alphas_cumprod_ = clamp_terminal_alpha(make_alphas_cumprod(config_), config_.rescale_betas_zero_snr);
  }
  const char* name() const override {
    static const char* const kNames[2][2] = {{"unipc", "unipc_o3"}, {"unipc_bh1", "unipc_bh1_o3"}};
    return kNames[bh1_][order_ == 3];
  }

  void set_timesteps(int n) override {
    num_inference_steps_ = n;
    install(multistep_sigma_grid(config_, alphas_cumprod_, n, config_.num_train_timesteps));
    reset();
  }

  torch::Tensor step(const torch::Tensor& out, int64_t i, const torch::Tensor& x, NoiseSource&) override {
    check_index(i);
    if (i == 0) reset();
    // The x0 prediction comes from the uncorrected sample; only the predictor starts
    // from the corrected one, which is never returned.
    auto x0 = data_prediction(out, i, x);
    auto sample = (i > 0 && last_sample_.defined()) ? corrector(x0, i) : x;
    history_.insert(history_.begin(), x0);
    if (static_cast<int>(history_.size()) > order_) history_.pop_back();
    this_order_ = predictor_order(i);
    warm_ = std::min(warm_ + 1, order_);
    last_sample_ = sample;
    return predictor(sample, i);
  }

 private:
  void check_variant() const {
    const auto type = config_.solver_type.value_or("bh2");
    if (type != "bh1" && type != "bh2")
      throw UsageError("UniPCMultistepScheduler: solver_type '" + type + "' is not supported (bh1, bh2)");
    if (order_ != 2 && order_ != 3)
      throw UsageError("UniPCMultistepScheduler: solver_order " + std::to_string(order_) + " is not supported (2 or 3)");
    // Without lower_order_final the last step would be multistep with B(h) = -inf.
    if (bh1_ && config_.final_sigmas_type == "zero" && !config_.lower_order_final)
      throw UsageError("UniPCMultistepScheduler: bh1 with final_sigmas_type 'zero' needs lower_order_final "
                       "(diffusers returns NaN); use final_sigmas_type 'sigma_min' or bh2");
  }

  // min(order, n - i, i + 1): warm-up, and lower_order_final lowers the last order - 1
  // steps for every n (DPM++ does so only below 15 steps).
  int predictor_order(int64_t i) const {
    int order = order_;
    if (config_.lower_order_final) order = static_cast<int>(std::min<int64_t>(order, num_model_calls() - i));
    return std::min(order, warm_ + 1);
  }

  void reset() {
    history_.clear();
    last_sample_ = torch::Tensor();
    warm_ = 0;
    this_order_ = 1;
  }

  UniStep coefficients(int64_t t, int64_t s, int order) const {
    UniStep u;
    auto [alpha_t, sigma_t] = alpha_sigma(sigma_values_[t]);
    float sigma_s = alpha_sigma(sigma_values_[s]).second, lambda_s = lambda(sigma_values_[s]);
    float h = lambda(sigma_values_[t]) - lambda_s, hh = -h;
    u.alpha_t = alpha_t;
    u.ratio = sigma_t / sigma_s;
    u.h_phi_1 = torch_expm1(hh);
    u.b_h = bh1_ ? hh : torch_expm1(hh);
    for (int k = 1; k < order; ++k) u.rks.push_back((lambda(sigma_values_[s - k]) - lambda_s) / h);
    u.rks.push_back(1.0f);
    // h phi_k(h) by the recursion phi_{k+1} = phi_k / h - 1/(k+1)!, scaled by k!/B(h).
    float h_phi_k = u.h_phi_1 / hh - 1, factorial = 1;
    for (int k = 1; k <= order; ++k) {
      u.b.push_back(h_phi_k * factorial / u.b_h);
      factorial *= static_cast<float>(k + 1);
      h_phi_k = h_phi_k / hh - 1 / factorial;
    }
    return u;
  }

  // rho from the leading size x size block of R rho = b, R[j][k] = rks[k]^j, solved in
  // float32 by torch.linalg.solve as diffusers does. The block is a strided view of the
  // full R, as diffusers' R[:-1, :-1]: torch then factors R instead of R^T, which rounds
  // differently.
  static std::vector<float> solve_rhos(const UniStep& u, int size) {
    const auto n = static_cast<int64_t>(u.rks.size());
    auto r = torch::empty({n, n}, torch::kFloat32);
    for (int64_t k = 0; k < n; ++k) {
      float power = 1;
      for (int64_t j = 0; j < n; ++j, power *= u.rks[k]) r[j][k] = power;
    }
    auto b = torch::tensor(u.b, torch::kFloat32).slice(0, 0, size);
    auto rho = torch::linalg_solve(r.slice(0, 0, size).slice(1, 0, size), b).contiguous();
    return std::vector<float>(rho.data_ptr<float>(), rho.data_ptr<float>() + size);
  }

  // sum_k rho_k (m_k - m_0) / r_k over the stored predictions m_1..m_count, contracted
  // like diffusers (einsum over a stacked k axis; a sum of products rounds differently).
  // The einsum wants [B, C, ...], so lower ranks get a leading axis for it.
  torch::Tensor weighted_differences(const UniStep& u, const std::vector<float>& rho, int count) const {
    const auto& m0 = history_[0];
    std::vector<torch::Tensor> d;
    for (int k = 1; k <= count; ++k) {
      auto dk = (history_[k] - m0) / u.rks[k - 1];
      d.push_back(m0.dim() < 2 ? dk.reshape({1, -1}) : dk);
    }
    auto r = torch::tensor(std::vector<float>(rho.begin(), rho.begin() + count), torch::kFloat32);
    return torch::einsum("k,bkc...->bc...", {r, torch::stack(d, 1)}).reshape(m0.sizes());
  }

  // UniP: from the (corrected) sample at call i to call i+1 with this_order_ predictions.
  torch::Tensor predictor(const torch::Tensor& x, int64_t i) const {
    auto u = coefficients(i + 1, i, this_order_);
    auto x_t = u.ratio * x - (u.alpha_t * u.h_phi_1) * history_[0];
    if (this_order_ == 1) return x_t;  // no residual, so no B(h): see the header on bh1
    auto rho = this_order_ == 2 ? std::vector<float>{0.5f} : solve_rhos(u, this_order_ - 1);
    return x_t - (u.alpha_t * u.b_h) * weighted_differences(u, rho, this_order_ - 1);
  }

  // UniC: refine the sample at call i with its new x0 prediction `model_t`, using the
  // order the predictor had on the previous step (history_ does not hold model_t yet).
  torch::Tensor corrector(const torch::Tensor& model_t, int64_t i) const {
    auto u = coefficients(i, i - 1, this_order_);
    auto x_t = u.ratio * last_sample_ - (u.alpha_t * u.h_phi_1) * history_[0];
    auto rho = this_order_ == 1 ? std::vector<float>{0.5f} : solve_rhos(u, this_order_);
    auto residual = rho.back() * (model_t - history_[0]);
    if (this_order_ > 1) residual = weighted_differences(u, rho, this_order_ - 1) + residual;
    return x_t - (u.alpha_t * u.b_h) * residual;
  }

  int order_ = 2;
  bool bh1_ = false;
  std::vector<torch::Tensor> history_;  // x0 predictions, newest first
  torch::Tensor last_sample_;
  int warm_ = 0;
  int this_order_ = 1;
};

}  // namespace

std::unique_ptr<Sampler> make_unipc(SchedulerConfig c) { return std::make_unique<UniPc>(std::move(c)); }

}  // namespace gen::samplers
