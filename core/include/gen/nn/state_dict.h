// Name-for-name weight loading: every registered parameter/buffer of a module is
// looked up under its own name in a tensor map. Missing keys, unexpected keys and
// shape mismatches are collected and reported together.
#pragma once
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/types.h>

#include <gen/export.h>

namespace gen {
class SafeTensorsFile;
}

namespace gen::nn {

using TensorMap = std::map<std::string, torch::Tensor>;
using ShapeMap = std::map<std::string, std::vector<int64_t>>;

GEN_API ShapeMap shapes_of(const TensorMap& tensors);

struct LoadOptions {
  bool strict = true;  // missing or unexpected keys are errors (shape mismatches always are)
  // Checkpoint keys never treated as unexpected (buffers such as position_ids).
  std::set<std::string> ignore_suffixes = {"position_ids"};
  std::string what = "checkpoint";  // names the source in messages
};

struct LoadReport {
  std::vector<std::string> missing;     // model keys absent from the checkpoint
  std::vector<std::string> unexpected;  // checkpoint keys the model does not have
  std::vector<std::string> mismatched;  // "key: checkpoint [..] vs model [..]"
  size_t loaded = 0;
};

// Copies (with dtype conversion to the parameter's dtype) every tensor; throws
// gen::ModelError naming the keys (and both shapes) when the load is not clean.
GEN_API LoadReport load_state_dict(torch::nn::Module& module, const TensorMap& tensors,
                                   const LoadOptions& options = {});

// The general form: keys and shapes up front, each tensor fetched only when it is
// copied, so a loader can convert or read lazily and never hold a second full copy.
GEN_API LoadReport load_state_dict(torch::nn::Module& module, const ShapeMap& shapes,
                                   const std::function<torch::Tensor(const std::string&)>& fetch,
                                   const LoadOptions& options = {});

// The same, reading one tensor at a time from the file: memory holds the module and
// one tensor, never a second copy of the whole checkpoint.
GEN_API LoadReport load_state_dict(torch::nn::Module& module, const SafeTensorsFile& file,
                                   const LoadOptions& options = {});

GEN_API std::string shape_string(torch::IntArrayRef shape);

// The weights file of a diffusers/transformers component folder: <stem>.safetensors or
// <stem>.fp16.safetensors; a gen::InputError when neither exists (.bin is not read).
GEN_API std::filesystem::path find_weights_file(const std::filesystem::path& dir, const std::string& stem);

// One shape per tensor of a file, by name.
GEN_API ShapeMap shapes_in(const SafeTensorsFile& file);

}  // namespace gen::nn
