// What a generator returns: data in memory, never files. The host (gen/generation.h)
// numbers the outputs, writes them through the modality library's writer chosen by the
// file extension, and adds the JSON sidecar; a program linking gen keeps the tensors.
#pragma once
#include <map>
#include <string>

#include <nlohmann/json.hpp>
#include <torch/types.h>

namespace gen {

// Tensor layouts, one per modality (what every writer of that modality accepts):
//   image   uint8 [H, W, C], C = 1, 3 or 4
//   video   uint8 [F, H, W, C]; metadata "fps"
//   audio   float [channels, samples] in [-1, 1]; metadata "sample_rate"
//   3d      float [N, 3] points, or [N, 6] points + RGB in [0, 1]
//   motion  float [F, J, 3] joint positions; metadata "fps", "skeleton"
struct Sample {
  torch::Tensor data;
  int64_t seed = 0;
  // Every setting the plugin resolved (sampler, steps, size, ...); the host adds the
  // request's fields and the plugin's name and writes it all as the sidecar.
  nlohmann::json metadata = nlohmann::json::object();
  // Short text the file format can carry (PNG tEXt "parameters" for A1111-style readers).
  std::map<std::string, std::string> text;
  // Further data written with the main file. A key starting with "." is an extension
  // replacing the main file's ({".csv": points [N, 2]} beside out.png gives out.csv); any
  // other key is a path the user asked for (--mesh mesh.obj), numbered like the main
  // file in a batch. The writer is chosen by the extension either way.
  std::map<std::string, torch::Tensor> extras;
};

}  // namespace gen
