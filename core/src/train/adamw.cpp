#include <cmath>

#include <gen/error.h>
#include <gen/train_parts.h>

namespace gen {

AdamW::AdamW(std::vector<std::pair<std::string, torch::Tensor>> named_params, Options options)
    : params_(std::move(named_params)), options_(options) {
  for (const auto& [name, p] : params_) {
    exp_avg_.push_back(torch::zeros_like(p));
    exp_avg_sq_.push_back(torch::zeros_like(p));
  }
}

void AdamW::zero_grad() {
  for (auto& [name, p] : params_)
    if (p.grad().defined()) p.mutable_grad().zero_();
}

// Same update and op order as torch.optim.AdamW (single-tensor, non-amsgrad path).
void AdamW::step(double lr) {
  torch::NoGradGuard no_grad;
  ++steps_;
  const double bias1 = 1.0 - std::pow(options_.beta1, static_cast<double>(steps_));
  const double bias2 = 1.0 - std::pow(options_.beta2, static_cast<double>(steps_));
  const double step_size = lr / bias1;
  const double bias2_sqrt = std::sqrt(bias2);
  for (size_t i = 0; i < params_.size(); ++i) {
    auto& p = params_[i].second;
    if (!p.grad().defined()) continue;
    const auto& g = p.grad();
    p.mul_(1.0 - lr * options_.weight_decay);
    exp_avg_[i].lerp_(g, 1.0 - options_.beta1);
    exp_avg_sq_[i].mul_(options_.beta2).addcmul_(g, g, 1.0 - options_.beta2);
    auto denom = (exp_avg_sq_[i].sqrt() / bias2_sqrt).add_(options_.eps);
    p.addcdiv_(exp_avg_[i], denom, -step_size);
  }
}

std::map<std::string, torch::Tensor> AdamW::state() const {
  std::map<std::string, torch::Tensor> s;
  for (size_t i = 0; i < params_.size(); ++i) {
    s[params_[i].first + ".exp_avg"] = exp_avg_[i];
    s[params_[i].first + ".exp_avg_sq"] = exp_avg_sq_[i];
  }
  s["step"] = torch::tensor({steps_}, torch::kLong);
  return s;
}

void AdamW::load_state(const std::map<std::string, torch::Tensor>& s) {
  auto get = [&](const std::string& key, const torch::Tensor& like) {
    auto it = s.find(key);
    if (it == s.end()) throw ModelError("optimizer state has no '" + key + "'");
    if (it->second.sizes() != like.sizes()) throw ModelError("optimizer state '" + key + "' has the wrong shape");
    return it->second.to(like.scalar_type()).clone();
  };
  for (size_t i = 0; i < params_.size(); ++i) {
    exp_avg_[i] = get(params_[i].first + ".exp_avg", params_[i].second);
    exp_avg_sq_[i] = get(params_[i].first + ".exp_avg_sq", params_[i].second);
  }
  auto it = s.find("step");
  if (it == s.end()) throw ModelError("optimizer state has no 'step'");
  steps_ = it->second.item<int64_t>();
}

}  // namespace gen
