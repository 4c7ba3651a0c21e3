// Reads a whole input file after checking its size against a limit, so a huge file is
// refused before any memory is reserved for it.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

namespace gen::motion::detail {

// Throws gen::InputError naming the path when the file is missing, unreadable or over
// `max_bytes` (`what` names the kind of file in that message: "BVH files").
std::string read_file_bytes(const std::filesystem::path& path, int64_t max_bytes, const std::string& what);

}  // namespace gen::motion::detail
