#include <gen/nn/state_dict.h>

#include <sstream>

#include <torch/csrc/autograd/grad_mode.h>

#include <gen/error.h>

namespace gen::nn {
namespace {

bool ignored(const std::string& key, const LoadOptions& o) {
  for (const auto& s : o.ignore_suffixes)
    if (key.size() >= s.size() && key.compare(key.size() - s.size(), s.size(), s) == 0) return true;
  return false;
}

// At most `limit` names, then "... and N more": real checkpoints have ~1000 keys.
std::string list(const std::vector<std::string>& items, size_t limit = 8) {
  std::ostringstream s;
  for (size_t i = 0; i < items.size() && i < limit; ++i) s << (i ? ", " : "") << items[i];
  if (items.size() > limit) s << " ... and " << items.size() - limit << " more";
  return s.str();
}

void throw_if_dirty(const LoadReport& r, const LoadOptions& o) {
  std::string msg;
  if (!r.mismatched.empty()) msg += "shape mismatch: " + list(r.mismatched) + ". ";
  if (o.strict && !r.missing.empty()) msg += "missing keys: " + list(r.missing) + ". ";
  if (o.strict && !r.unexpected.empty()) msg += "unexpected keys: " + list(r.unexpected) + ". ";
  if (!msg.empty())
    throw ModelError(o.what + " does not fit the model: " + msg +
                     "Check that the checkpoint and the model config (or inferred architecture) belong together.");
}

}  // namespace

std::string shape_string(torch::IntArrayRef shape) {
  std::ostringstream s;
  s << '[';
  for (size_t i = 0; i < shape.size(); ++i) s << (i ? ", " : "") << shape[i];
  s << ']';
  return s.str();
}

ShapeMap shapes_of(const TensorMap& tensors) {
  ShapeMap out;
  for (const auto& [k, t] : tensors) out[k] = t.sizes().vec();
  return out;
}

LoadReport load_state_dict(torch::nn::Module& module, const TensorMap& tensors, const LoadOptions& options) {
  LoadReport r;
  std::set<std::string> used;
  std::vector<std::pair<torch::Tensor, const torch::Tensor*>> copies;
  auto visit = [&](const std::string& key, torch::Tensor& dst) {
    auto it = tensors.find(key);
    if (it == tensors.end()) return r.missing.push_back(key);
    used.insert(key);
    if (it->second.sizes() != dst.sizes())
      return r.mismatched.push_back(key + ": checkpoint " + shape_string(it->second.sizes()) + " vs model " +
                                    shape_string(dst.sizes()));
    copies.emplace_back(dst, &it->second);
  };
  for (auto& p : module.named_parameters(true)) visit(p.key(), p.value());
  for (auto& b : module.named_buffers(true)) visit(b.key(), b.value());
  for (const auto& [k, t] : tensors)
    if (!used.count(k) && !ignored(k, options)) r.unexpected.push_back(k);
  throw_if_dirty(r, options);  // nothing is written unless the whole load is valid
  torch::NoGradGuard no_grad;
  for (auto& [dst, src] : copies) dst.copy_(*src);
  r.loaded = copies.size();
  return r;
}

}  // namespace gen::nn
