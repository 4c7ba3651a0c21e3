// NumPy's .npy array files for float arrays, so motions and statistics move to and from
// Python with np.load / np.save and nothing else. Written: format version 1.0, little
// endian, C order, the header padded to 64 bytes as numpy does. Read: versions 1.0, 2.0
// and 3.0, float32 or float64 of either byte order, C or Fortran order.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <torch/types.h>

#include <gen/export.h>

namespace gen::motion {

// The file's bytes for a float32 or float64 tensor of any shape (kept as it is).
GEN_API std::string encode_npy(const torch::Tensor& array);
// Writes encode_npy(array) atomically.
GEN_API void write_npy(const std::filesystem::path& path, const torch::Tensor& array);

// The array as float32 or float64 (its stored type), contiguous. Anything else — another
// dtype, a header that is not numpy's dictionary, a shape whose size disagrees with the
// data, a file over `max_bytes` — is one gen::InputError naming `name` or the path.
GEN_API torch::Tensor decode_npy(std::string_view bytes, const std::string& name = "<memory>");
GEN_API torch::Tensor read_npy(const std::filesystem::path& path, int64_t max_bytes = int64_t{1} << 30);

}  // namespace gen::motion
