#include <algorithm>

#include <gen/error.h>
#include <gen/train_parts.h>

namespace gen {

Ema::Ema(const std::vector<std::pair<std::string, torch::Tensor>>& named_params, double decay) : decay_(decay) {
  for (const auto& [name, p] : named_params) shadow_[name] = p.detach().clone();
}

void Ema::update(const std::vector<std::pair<std::string, torch::Tensor>>& named_params) {
  torch::NoGradGuard no_grad;
  ++updates_;
  // Warm-up: early averages would otherwise be dominated by the random initialisation.
  const double d = std::min(decay_, (1.0 + updates_) / (10.0 + updates_));
  for (const auto& [name, p] : named_params) shadow_.at(name).lerp_(p.detach(), 1.0 - d);
}

void Ema::load(const std::map<std::string, torch::Tensor>& weights) {
  for (auto& [name, w] : shadow_) {
    auto it = weights.find(name);
    if (it == weights.end()) throw ModelError("EMA checkpoint has no '" + name + "'");
    if (it->second.sizes() != w.sizes()) throw ModelError("EMA checkpoint '" + name + "' has the wrong shape");
    w = it->second.to(w.scalar_type()).clone();
  }
}

}  // namespace gen
