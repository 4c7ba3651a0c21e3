#include "stl_reader.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include <torch/torch.h>

#include "text_words.h"

namespace gen::shape3d::detail {

namespace {

using std::invalid_argument;
using Corner = std::array<float, 3>;

struct CornerHash {
  size_t operator()(const Corner& c) const {
    uint32_t b[3];
    std::memcpy(b, c.data(), sizeof b);
    return (size_t{b[0]} * 73856093u) ^ (size_t{b[1]} * 19349663u) ^ (size_t{b[2]} * 83492791u);
  }
};

// Gathers triangles corner by corner, giving equal corners one vertex index.
class CornerMerger {
 public:
  CornerMerger(int64_t max_vertices, int64_t triangles) : max_vertices_(max_vertices) {
    faces_.reserve(static_cast<size_t>(3 * triangles));
  }
  void add(Corner c) {
    for (auto& v : c) v = v == 0.0f ? 0.0f : v;  // -0 and 0 are one corner
    const auto [it, added] = index_.try_emplace(c, static_cast<int64_t>(xyz_.size() / 3));
    if (added) {
      if (static_cast<int64_t>(xyz_.size() / 3) >= max_vertices_)
        throw invalid_argument("more than " + std::to_string(max_vertices_) + " distinct vertices");
      xyz_.insert(xyz_.end(), c.begin(), c.end());
    }
    faces_.push_back(it->second);
  }
  int64_t triangles() const { return static_cast<int64_t>(faces_.size() / 3); }
  Mesh finish() {
    if (faces_.empty()) throw invalid_argument("it has no triangles");
    Mesh m;
    m.vertices = torch::from_blob(xyz_.data(), {static_cast<int64_t>(xyz_.size() / 3), 3}, torch::kFloat32).clone();
    m.faces = torch::from_blob(faces_.data(), {triangles(), 3}, torch::kInt64).clone();
    return m;
  }

 private:
  int64_t max_vertices_;
  std::unordered_map<Corner, int64_t, CornerHash> index_;
  std::vector<float> xyz_;
  std::vector<int64_t> faces_;
};

constexpr int64_t kBinaryHeader = 84, kBinaryRecord = 50;

Mesh read_binary(std::string_view bytes, int64_t max_vertices, int64_t max_faces) {
  uint32_t count = 0;
  std::memcpy(&count, bytes.data() + 80, 4);
  if (count > max_faces) throw invalid_argument(std::to_string(count) + " triangles is over the limit of " + std::to_string(max_faces));
  CornerMerger merger(max_vertices, count);
  for (int64_t t = 0; t < count; ++t) {
    const char* record = bytes.data() + kBinaryHeader + t * kBinaryRecord + 12;  // after the face normal
    for (int k = 0; k < 3; ++k) {
      Corner c;
      std::memcpy(c.data(), record + 12 * k, 12);
      merger.add(c);
    }
  }
  return merger.finish();
}

[[noreturn]] void expected(const TextLines& lines, const std::string& what) {
  throw invalid_argument("line " + std::to_string(lines.line()) + ": expected " + what);
}

// solid [name] / facet normal nx ny nz / outer loop / vertex x y z (3 or more: a fan) /
// endloop / endfacet / ... / endsolid [name], possibly several solids in one file.
Mesh read_ascii(std::string_view bytes, int64_t max_vertices, int64_t max_faces) {
  TextLines lines(bytes);
  // A facet takes at least 7 lines of 6 bytes: the least bytes bound what is reserved.
  CornerMerger merger(max_vertices, std::min<int64_t>(max_faces, static_cast<int64_t>(bytes.size()) / 42));
  std::vector<std::string_view> w;
  bool in_solid = false;
  while (lines.next(w)) {
    if (!in_solid) {
      if (w[0] != "solid") expected(lines, "\"solid\"");
      in_solid = true;
      continue;
    }
    if (w[0] == "endsolid") {
      in_solid = false;
      continue;
    }
    if (w[0] != "facet") expected(lines, "\"facet\" or \"endsolid\"");
    if (!lines.next(w) || w.size() != 2 || w[0] != "outer" || w[1] != "loop") expected(lines, "\"outer loop\"");
    std::vector<Corner> ring;
    while (lines.next(w) && w[0] == "vertex") {
      if (w.size() != 4) expected(lines, "\"vertex x y z\"");
      ring.push_back({static_cast<float>(real_number(w[1])), static_cast<float>(real_number(w[2])),
                      static_cast<float>(real_number(w[3]))});
      if (ring.size() > 1024) expected(lines, "\"endloop\" (a facet of over 1024 corners)");
    }
    if (w.empty() || w[0] != "endloop") expected(lines, "\"vertex\" or \"endloop\"");
    if (ring.size() < 3) throw invalid_argument("line " + std::to_string(lines.line()) + ": a facet of fewer than 3 corners");
    if (merger.triangles() + static_cast<int64_t>(ring.size()) - 2 > max_faces)
      throw invalid_argument("more than " + std::to_string(max_faces) + " triangles");
    for (size_t k = 1; k + 1 < ring.size(); ++k)
      for (const auto& c : {ring[0], ring[k], ring[k + 1]}) merger.add(c);
    if (!lines.next(w) || w[0] != "endfacet") expected(lines, "\"endfacet\"");
  }
  return merger.finish();
}

bool starts_with_solid(std::string_view bytes) {
  const auto first = bytes.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && bytes.substr(first, 5) == "solid";
}

}  // namespace

Mesh read_stl(std::string_view bytes, int64_t max_vertices, int64_t max_faces) {
  const auto size = static_cast<int64_t>(bytes.size());
  if (size >= kBinaryHeader) {
    uint32_t count = 0;
    std::memcpy(&count, bytes.data() + 80, 4);
    // Binary files may start with "solid" too; their size gives them away.
    if (kBinaryHeader + kBinaryRecord * int64_t{count} == size) return read_binary(bytes, max_vertices, max_faces);
    if (!starts_with_solid(bytes))
      throw invalid_argument("binary STL of " + std::to_string(count) + " triangles needs " +
                             std::to_string(kBinaryHeader + kBinaryRecord * int64_t{count}) + " bytes, the file has " +
                             std::to_string(size) + " (truncated?)");
  }
  if (!starts_with_solid(bytes)) throw invalid_argument("neither binary STL (too short) nor ASCII STL (no \"solid\")");
  return read_ascii(bytes, max_vertices, max_faces);
}

}  // namespace gen::shape3d::detail
