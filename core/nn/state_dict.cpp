#include <gen/nn/state_dict.h>

#include <functional>
#include <sstream>

#include <torch/csrc/autograd/grad_mode.h>

#include <gen/error.h>
#include <gen/safetensors.h>

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

// Checks every key and shape first (nothing is written unless the whole load is
// valid), then copies tensor by tensor, fetching each only when it is copied.
LoadReport load_state_dict(torch::nn::Module& module, const ShapeMap& shapes,
                           const std::function<torch::Tensor(const std::string&)>& fetch, const LoadOptions& options) {
  LoadReport r;
  std::set<std::string> used;
  std::vector<std::pair<torch::Tensor, std::string>> copies;
  auto visit = [&](const std::string& key, torch::Tensor& dst) {
    auto it = shapes.find(key);
    if (it == shapes.end()) return r.missing.push_back(key);
    used.insert(key);
    if (torch::IntArrayRef(it->second) != dst.sizes())
      return r.mismatched.push_back(key + ": checkpoint " + shape_string(it->second) + " vs model " +
                                    shape_string(dst.sizes()));
    copies.emplace_back(dst, key);
  };
  for (auto& p : module.named_parameters(true)) visit(p.key(), p.value());
  for (auto& b : module.named_buffers(true)) visit(b.key(), b.value());
  for (const auto& [k, shape] : shapes)
    if (!used.count(k) && !ignored(k, options)) r.unexpected.push_back(k);
  throw_if_dirty(r, options);
  torch::NoGradGuard no_grad;
  for (auto& [dst, key] : copies) dst.copy_(fetch(key));
  r.loaded = copies.size();
  return r;
}

LoadReport load_state_dict(torch::nn::Module& module, const TensorMap& tensors, const LoadOptions& options) {
  return load_state_dict(module, shapes_of(tensors), [&](const std::string& key) { return tensors.at(key); }, options);
}

LoadReport load_state_dict(torch::nn::Module& module, const SafeTensorsFile& file, const LoadOptions& options) {
  ShapeMap shapes;
  for (const auto& t : file.tensors()) shapes[t.name] = t.shape;
  return load_state_dict(module, shapes, [&](const std::string& key) { return file.get(key); }, options);
}

std::filesystem::path find_weights_file(const std::filesystem::path& dir, const std::string& stem) {
  for (const auto& name : {stem + ".safetensors", stem + ".fp16.safetensors"})
    if (std::filesystem::exists(dir / name)) return dir / name;
  throw InputError("no " + stem + ".safetensors in " + dir.string() +
                   " (only safetensors weights are supported; convert .bin files first)");
}

ShapeMap shapes_in(const SafeTensorsFile& file) {
  ShapeMap shapes;
  for (const auto& t : file.tensors()) shapes[t.name] = t.shape;
  return shapes;
}

}  // namespace gen::nn
