// A PLY header read by gen before Open3D sees the file: the element counts a header
// declares must fit in the bytes that follow, so a hostile "element vertex 4000000000"
// is refused instead of becoming a giant allocation inside Open3D.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gen::shape3d::detail {

struct PlyElement {
  std::string name;
  int64_t count = 0;
  int64_t min_record_bytes = 0;  // the least one record can take in this format
  std::vector<std::string> properties;
};

struct PlyHeader {
  std::string format;     // ascii, binary_little_endian, binary_big_endian
  int64_t header_bytes = 0;
  std::vector<PlyElement> elements;
  const PlyElement* find(const std::string& name) const;
};

// Parses and checks the header at the start of `bytes` (the whole file, or at least its
// header) against `body_bytes`, the bytes after it. Throws std::invalid_argument with a
// reason a user can act on.
PlyHeader parse_ply_header(std::string_view bytes, int64_t file_bytes);

}  // namespace gen::shape3d::detail
