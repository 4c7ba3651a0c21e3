#include "conditioning_batch.h"

namespace gen::detail {

namespace {

bool cat_all(const std::vector<const torch::Tensor*>& xs, torch::Tensor& out) {
  const bool defined = xs.front()->defined();
  std::vector<torch::Tensor> parts;
  for (const auto* x : xs) {
    if (x->defined() != defined) return false;
    if (!defined) continue;
    if (x->sizes().slice(1) != xs.front()->sizes().slice(1)) return false;
    parts.push_back(*x);
  }
  if (defined) out = torch::cat(parts, 0);
  return true;
}

}  // namespace

bool stack_conditionings(const std::vector<const Conditioning*>& parts, Conditioning& out) {
  const auto& keys = parts.front()->extra;
  for (const auto* c : parts)
    if (c->extra.size() != keys.size()) return false;
  auto field = [&parts](auto member) {
    std::vector<const torch::Tensor*> xs;
    for (const auto* c : parts) xs.push_back(&(c->*member));
    return xs;
  };
  if (!cat_all(field(&Conditioning::context), out.context) || !cat_all(field(&Conditioning::pooled), out.pooled) ||
      !cat_all(field(&Conditioning::concat), out.concat))
    return false;
  for (const auto& entry : keys) {
    std::vector<const torch::Tensor*> xs;
    for (const auto* c : parts) {
      auto it = c->extra.find(entry.first);
      if (it == c->extra.end()) return false;
      xs.push_back(&it->second);
    }
    if (!cat_all(xs, out.extra[entry.first])) return false;
  }
  return true;
}

Conditioning broadcast_conditioning(const Conditioning& c, int64_t batch) {
  auto repeat = [batch](const torch::Tensor& x) {
    if (!x.defined() || x.size(0) != 1 || batch == 1) return x;
    std::vector<int64_t> reps(static_cast<size_t>(x.dim()), 1);
    reps[0] = batch;
    return x.repeat(reps);
  };
  Conditioning out;
  out.context = repeat(c.context);
  out.pooled = repeat(c.pooled);
  out.concat = repeat(c.concat);
  for (const auto& [k, v] : c.extra) out.extra[k] = repeat(v);
  return out;
}

}  // namespace gen::detail
