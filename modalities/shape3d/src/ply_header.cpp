#include "ply_header.h"
#include "text_words.h"

#include <charconv>
#include <stdexcept>

namespace gen::shape3d::detail {

namespace {

constexpr int64_t kMaxHeaderBytes = 1 << 16;

}  // namespace

int ply_type_bytes(const std::string& type) {
  if (type == "char" || type == "uchar" || type == "int8" || type == "uint8") return 1;
  if (type == "short" || type == "ushort" || type == "int16" || type == "uint16") return 2;
  if (type == "int" || type == "uint" || type == "int32" || type == "uint32" || type == "float" || type == "float32")
    return 4;
  if (type == "double" || type == "float64") return 8;
  return 0;
}

namespace {

// The header's words as strings: they outlive the line (element and property names).
std::vector<std::string> header_words(std::string_view line) {
  const auto views = words(line);
  return {views.begin(), views.end()};
}

int64_t parse_count(const std::string& s) {
  int64_t v = -1;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0)
    throw std::invalid_argument("element count \"" + s + "\" is not a non-negative integer");
  return v;
}

}  // namespace

const PlyElement* PlyHeader::find(const std::string& name) const {
  for (const auto& e : elements)
    if (e.name == name) return &e;
  return nullptr;
}

PlyHeader parse_ply_header(std::string_view bytes, int64_t file_bytes) {
  PlyHeader h;
  size_t pos = 0;
  bool first = true, ended = false;
  while (!ended) {
    const auto nl = bytes.find('\n', pos);
    if (nl == std::string_view::npos || static_cast<int64_t>(nl) >= kMaxHeaderBytes)
      throw std::invalid_argument("no end_header within the first 64 KiB");
    auto line = bytes.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl + 1;
    const auto w = header_words(line);
    if (first) {
      if (w.size() != 1 || w[0] != "ply") throw std::invalid_argument("not a PLY file (no \"ply\" first line)");
      first = false;
      continue;
    }
    if (w.empty() || w[0] == "comment" || w[0] == "obj_info") continue;
    if (w[0] == "format") {
      if (w.size() != 3 || (w[1] != "ascii" && w[1] != "binary_little_endian" && w[1] != "binary_big_endian"))
        throw std::invalid_argument("unknown format line \"" + std::string(line) + "\"");
      h.format = w[1];
    } else if (w[0] == "element") {
      if (w.size() != 3) throw std::invalid_argument("malformed element line \"" + std::string(line) + "\"");
      h.elements.push_back({w[1], parse_count(w[2]), 0, {}});
    } else if (w[0] == "property") {
      if (h.elements.empty()) throw std::invalid_argument("a property before any element");
      auto& e = h.elements.back();
      const bool list = w.size() == 5 && w[1] == "list";
      if (!list && w.size() != 3) throw std::invalid_argument("malformed property line \"" + std::string(line) + "\"");
      const int bytes_each = ply_type_bytes(list ? w[2] : w[1]);
      if (bytes_each == 0 || (list && ply_type_bytes(w[3]) == 0))
        throw std::invalid_argument("unknown property type in \"" + std::string(line) + "\"");
      // ASCII: at least one digit and one separator per value; a list at least its count.
      e.min_record_bytes += h.format == "ascii" ? 2 : bytes_each;
      e.properties.push_back(w.back());
      e.layout.push_back({w.back(), list ? w[3] : w[1], list ? w[2] : ""});
    } else if (w[0] == "end_header") {
      ended = true;
    } else {
      throw std::invalid_argument("unknown header line \"" + std::string(line) + "\"");
    }
  }
  if (h.format.empty()) throw std::invalid_argument("no format line");
  h.header_bytes = static_cast<int64_t>(pos);
  // ASCII's last value may end the file without a separator.
  const int64_t body = file_bytes - h.header_bytes + (h.format == "ascii" ? 1 : 0);
  int64_t needed = 0;
  for (const auto& e : h.elements) {
    if (e.properties.empty() && e.count > 0)
      throw std::invalid_argument("element " + e.name + " has records but no properties");
    // Overflow-safe: each term is checked against the body before it is added.
    if (e.min_record_bytes > 0 && e.count > (body - needed) / e.min_record_bytes)
      throw std::invalid_argument("the header declares " + std::to_string(e.count) + " " + e.name +
                                  " records but the file is too short for them (truncated?)");
    needed += e.count * e.min_record_bytes;
  }
  return h;
}

}  // namespace gen::shape3d::detail
