#include <gen/output.h>

#include <random>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/runtime.h>

namespace gen {

std::filesystem::path numbered_output(const std::filesystem::path& base, int index, int count) {
  if (count <= 1) return base;
  auto name = base.stem().string() + "_" + std::to_string(index) + base.extension().string();
  return base.parent_path() / name;
}

std::filesystem::path with_extension(const std::filesystem::path& path, const std::string& ext) {
  auto p = path;
  p.replace_extension(ext);
  return p;
}

int64_t resolve_seed(int64_t seed) {
  if (seed >= 0) return seed;
  std::random_device rd;
  // 31 bits: small enough to type back in, enough to never repeat by chance in practice.
  return static_cast<int64_t>(rd() & 0x7fffffffu);
}

nlohmann::json request_metadata(const Request& r, int64_t seed) {
  nlohmann::json j;
  j["generator"] = version_string();
  j["prompt"] = r.prompt;
  j["negative_prompt"] = r.negative_prompt;
  j["model"] = r.model;
  j["steps"] = r.steps;
  j["cfg_scale"] = r.cfg_scale;
  j["sampler"] = r.sampler;
  j["scheduler"] = r.scheduler;
  j["seed"] = seed;
  j["width"] = r.width;
  j["height"] = r.height;
  j["batch_count"] = r.batch_count;
  j["threads"] = num_threads();
  j["device"] = r.device;
  j["options"] = r.options;
  return j;
}

void write_sidecar(const std::filesystem::path& artifact, const nlohmann::json& metadata) {
  auto path = artifact;
  path += ".json";
  write_file_atomic(path, metadata.dump(2) + "\n");
}

}  // namespace gen
