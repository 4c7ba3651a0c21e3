// safetensors in and out: an 8-byte little-endian header length N, N bytes of JSON
// {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}, then the data.
// The reader memory-maps the file and validates the whole header before anything
// is read (a hostile file gets one clear gen::InputError, never a crash); the
// writer emits the canonical layout (name order, contiguous, 8-byte aligned header)
// through a temporary file.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <torch/types.h>

#include <gen/export.h>

namespace gen {

struct TensorInfo {
  std::string name;
  std::string dtype;            // "F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL"
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // byte range relative to the data section
};

class GEN_API SafeTensorsFile {
 public:
  static SafeTensorsFile open(const std::filesystem::path& path);  // throws gen::InputError
  SafeTensorsFile(SafeTensorsFile&&) noexcept;
  SafeTensorsFile& operator=(SafeTensorsFile&&) noexcept;
  ~SafeTensorsFile();

  const std::vector<TensorInfo>& tensors() const { return tensors_; }  // in data order
  bool contains(const std::string& name) const;
  const TensorInfo& info(const std::string& name) const;  // missing -> gen::ModelError naming the key
  torch::Tensor get(const std::string& name) const;       // native dtype, owned copy
  torch::Tensor get(const std::string& name, torch::ScalarType as) const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  SafeTensorsFile() = default;
  struct Mapping;
  std::unique_ptr<Mapping> mapping_;
  std::filesystem::path path_;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, size_t> index_;
  std::map<std::string, std::string> metadata_;
};

GEN_API std::map<std::string, torch::Tensor> load_safetensors(const std::filesystem::path& path);

GEN_API void save_safetensors(const std::filesystem::path& path, const std::map<std::string, torch::Tensor>& tensors,
                              const std::map<std::string, std::string>& metadata = {});

// Copies a checkpoint tensor into a parameter (converting dtype); a shape mismatch
// is a gen::ModelError naming the key and both shapes.
GEN_API void copy_checked(torch::Tensor& dst, const torch::Tensor& src, const std::string& key);

}  // namespace gen
