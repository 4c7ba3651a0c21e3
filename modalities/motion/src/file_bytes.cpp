#include "file_bytes.h"

#include <fstream>

#include <gen/error.h>

namespace gen::motion::detail {

std::string read_file_bytes(const std::filesystem::path& path, int64_t max_bytes, const std::string& what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path.string() + " is a folder, not a file");
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw InputError("cannot read " + path.string() + ": " + ec.message());
  if (size > static_cast<uint64_t>(max_bytes))
    throw InputError(path.string() + ": " + std::to_string(size) + " bytes is over the " + std::to_string(max_bytes) +
                     "-byte limit for " + what);
  std::ifstream in(path, std::ios::binary);
  std::string bytes(size, '\0');
  if (!in || !in.read(bytes.data(), static_cast<std::streamsize>(size))) throw InputError("cannot read " + path.string());
  return bytes;
}

}  // namespace gen::motion::detail
