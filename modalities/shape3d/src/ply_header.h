// A PLY header read by gen before Open3D sees the file: the element counts a header
// declares must fit in the bytes that follow, so a hostile "element vertex 4000000000"
// is refused instead of becoming a giant allocation inside Open3D.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gen::shape3d::detail {

struct PlyProperty {
  std::string name;
  std::string type;        // the scalar type, or a list's item type
  std::string count_type;  // a list's count type; "" for a scalar
};

struct PlyElement {
  std::string name;
  int64_t count = 0;
  int64_t min_record_bytes = 0;  // the least one record can take in this format
  std::vector<std::string> properties;
  std::vector<PlyProperty> layout;  // the same properties, with their types
};

// Bytes of a PLY scalar type ("uchar", "float32", ...); 0 for an unknown name.
int ply_type_bytes(const std::string& type);

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
