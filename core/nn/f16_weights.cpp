#include <gen/nn/f16_weights.h>

#include <gen/error.h>
#include <gen/safetensors.h>

namespace gen::nn {

TensorMap f16_state_dict(const torch::nn::Module& module) {
  auto f16 = [](const torch::Tensor& t) {
    return (t.is_floating_point() ? t.detach().to(torch::kFloat16) : t.detach()).contiguous();
  };
  TensorMap tensors;
  for (const auto& p : module.named_parameters()) tensors[p.key()] = f16(p.value());
  // Buffers belong to the checkpoint as in transformers' files (HiFi-GAN's mean/scale):
  // a loader that checks every key would otherwise refuse what we wrote.
  for (const auto& b : module.named_buffers()) tensors[b.key()] = f16(b.value());
  return tensors;
}

void save_f16_weights(const std::filesystem::path& file, const torch::nn::Module& module,
                      const std::map<std::string, std::string>& metadata) {
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  save_safetensors(file, f16_state_dict(module), metadata);
}

void load_f16_weights(const std::filesystem::path& file, torch::nn::Module& module) {
  const auto weights = SafeTensorsFile::open(file);
  LoadOptions o;
  o.what = file.string();
  try {
    load_state_dict(module, weights, o);
  } catch (const ModelError& e) {
    throw InputError(e.what());
  }
  auto refuse_non_finite = [&](const std::string& name, const torch::Tensor& t) {
    if (t.is_floating_point() && !torch::isfinite(t).all().item<bool>())
      throw InputError(file.string() + ": \"" + name + "\" is not finite");
  };
  for (const auto& p : module.named_parameters()) refuse_non_finite(p.key(), p.value());
  for (const auto& b : module.named_buffers()) refuse_non_finite(b.key(), b.value());
}

}  // namespace gen::nn
