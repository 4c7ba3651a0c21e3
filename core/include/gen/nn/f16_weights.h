// The form gen writes its own weights in: every parameter and buffer of a module under
// its dotted name, floating-point tensors as F16 (integer buffers kept as they are),
// in one safetensors file.
#pragma once
#include <filesystem>
#include <map>
#include <string>

#include <torch/nn/module.h>

#include <gen/export.h>
#include <gen/nn/state_dict.h>

namespace gen::nn {

GEN_API TensorMap f16_state_dict(const torch::nn::Module& module);

// Writes f16_state_dict(module) to `file`, making its folder.
GEN_API void save_f16_weights(const std::filesystem::path& file, const torch::nn::Module& module,
                              const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

// Reads such a file back into the module: every key and shape must match and every value
// must be finite. Any fault is one gen::InputError naming the file (the file is what is
// wrong, not the code that asks for it).
GEN_API void load_f16_weights(const std::filesystem::path& file, torch::nn::Module& module);

}  // namespace gen::nn
