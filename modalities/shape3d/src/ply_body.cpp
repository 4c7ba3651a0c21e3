#include "ply_body.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <torch/torch.h>

namespace gen::shape3d::detail {

namespace {

// Reads one value at a time, ASCII or binary, always within the bytes.
class ValueReader {
 public:
  ValueReader(std::string_view body, const std::string& format)
      : body_(body), ascii_(format == "ascii"), swap_(format == "binary_big_endian") {}

  double next(const std::string& type) { return ascii_ ? next_text() : next_binary(type); }

 private:
  double next_text() {
    while (at_ < body_.size() && std::isspace(static_cast<unsigned char>(body_[at_]))) ++at_;
    const char* begin = body_.data() + at_;
    const char* end = body_.data() + body_.size();
    double v = 0;
    const auto [stop, ec] = std::from_chars(begin, end, v);
    if (ec != std::errc() || stop == begin) throw std::invalid_argument("a value is not a number (or the file ends early)");
    at_ += static_cast<size_t>(stop - begin);
    return v;
  }

  double next_binary(const std::string& type) {
    const int n = ply_type_bytes(type);
    if (at_ + static_cast<size_t>(n) > body_.size()) throw std::invalid_argument("the file ends inside its data (truncated?)");
    unsigned char b[8];
    std::memcpy(b, body_.data() + at_, static_cast<size_t>(n));
    at_ += static_cast<size_t>(n);
    if (swap_)
      for (int i = 0; i < n / 2; ++i) std::swap(b[i], b[n - 1 - i]);
    if (type == "char" || type == "int8") return static_cast<int8_t>(b[0]);
    if (type == "uchar" || type == "uint8") return b[0];
    if (type == "short" || type == "int16") return as<int16_t>(b);
    if (type == "ushort" || type == "uint16") return as<uint16_t>(b);
    if (type == "int" || type == "int32") return as<int32_t>(b);
    if (type == "uint" || type == "uint32") return as<uint32_t>(b);
    if (type == "float" || type == "float32") return as<float>(b);
    return as<double>(b);
  }

  template <class T>
  static double as(const unsigned char* b) {
    T v;
    std::memcpy(&v, b, sizeof v);
    return static_cast<double>(v);
  }

  std::string_view body_;
  size_t at_ = 0;
  bool ascii_, swap_;
};

// How a colour channel of this type maps to [0, 1].
double colour_scale(const std::string& type) {
  if (type == "uchar" || type == "uint8" || type == "char" || type == "int8") return 1.0 / 255;
  if (type == "ushort" || type == "uint16" || type == "short" || type == "int16") return 1.0 / 65535;
  return 1.0;
}

int index_of(const PlyElement& e, std::initializer_list<const char*> names) {
  for (size_t i = 0; i < e.layout.size(); ++i)
    for (const char* n : names)
      if (e.layout[i].name == n && e.layout[i].count_type.empty()) return static_cast<int>(i);
  return -1;
}

}  // namespace

PlyContents read_ply_body(std::string_view bytes, const PlyHeader& header, int64_t max_faces) {
  ValueReader in(bytes.substr(static_cast<size_t>(header.header_bytes)), header.format);
  const auto* vertex = header.find("vertex");
  if (!vertex) throw std::invalid_argument("it has no vertices");
  const int64_t vertices = vertex->count;
  std::vector<float> xyz, rgb, normals;
  std::vector<int64_t> faces;
  for (const auto& element : header.elements) {
    const bool is_vertex = &element == vertex, is_face = element.name == "face";
    int x = -1, y = -1, z = -1, nx = -1, ny = -1, nz = -1, r = -1, g = -1, b = -1, list = -1;
    if (is_vertex) {
      x = index_of(element, {"x"}), y = index_of(element, {"y"}), z = index_of(element, {"z"});
      nx = index_of(element, {"nx"}), ny = index_of(element, {"ny"}), nz = index_of(element, {"nz"});
      r = index_of(element, {"red", "r", "diffuse_red"}), g = index_of(element, {"green", "g", "diffuse_green"});
      b = index_of(element, {"blue", "b", "diffuse_blue"});
      if (x < 0 || y < 0 || z < 0) throw std::invalid_argument("its vertices have no scalar x, y and z");
      if (nx < 0 || ny < 0 || nz < 0) nx = ny = nz = -1;
      if (r < 0 || g < 0 || b < 0) r = g = b = -1;
      xyz.reserve(static_cast<size_t>(3 * vertices));
    }
    if (is_face)
      for (size_t i = 0; i < element.layout.size(); ++i)
        if (!element.layout[i].count_type.empty() &&
            (element.layout[i].name == "vertex_indices" || element.layout[i].name == "vertex_index"))
          list = static_cast<int>(i);
    std::vector<double> row(element.layout.size());
    std::vector<int64_t> polygon;
    for (int64_t record = 0; record < element.count; ++record) {
      for (size_t p = 0; p < element.layout.size(); ++p) {
        const auto& prop = element.layout[p];
        if (prop.count_type.empty()) {
          row[p] = in.next(prop.type);
          continue;
        }
        const double count = in.next(prop.count_type);
        if (!(count >= 0 && count <= 1024) || count != std::floor(count))
          throw std::invalid_argument("a list of " + element.name + " " + std::to_string(record) + " has a bad length");
        polygon.clear();
        for (int k = 0; k < static_cast<int>(count); ++k) {
          const double v = in.next(prop.type);
          if (static_cast<int>(p) == list) {
            if (!(v >= 0 && v < static_cast<double>(vertices)) || v != std::floor(v))
              throw std::invalid_argument("face " + std::to_string(record) + " names a vertex that does not exist");
            polygon.push_back(static_cast<int64_t>(v));
          }
        }
        // A polygon becomes a fan of triangles; fewer than three corners draw nothing.
        for (size_t k = 2; k < polygon.size(); ++k) faces.insert(faces.end(), {polygon[0], polygon[k - 1], polygon[k]});
        if (static_cast<int64_t>(faces.size() / 3) > max_faces)
          throw std::invalid_argument("more than " + std::to_string(max_faces) + " triangles");
      }
      if (!is_vertex) continue;
      xyz.insert(xyz.end(), {static_cast<float>(row[x]), static_cast<float>(row[y]), static_cast<float>(row[z])});
      if (nx >= 0)
        normals.insert(normals.end(), {static_cast<float>(row[nx]), static_cast<float>(row[ny]), static_cast<float>(row[nz])});
      if (r >= 0)
        for (int c : {r, g, b})
          rgb.push_back(static_cast<float>(row[c] * colour_scale(element.layout[static_cast<size_t>(c)].type)));
    }
  }
  PlyContents out;
  out.xyz = torch::tensor(xyz).view({vertices, 3});
  if (!rgb.empty()) out.rgb = torch::tensor(rgb).view({vertices, 3});
  if (!normals.empty()) out.normals = torch::tensor(normals).view({vertices, 3});
  if (!faces.empty()) out.faces = torch::tensor(faces, torch::kInt64).view({-1, 3});
  return out;
}

}  // namespace gen::shape3d::detail
