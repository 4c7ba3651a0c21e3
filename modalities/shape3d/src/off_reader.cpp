#include "off_reader.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "text_words.h"

namespace gen::shape3d::detail {

namespace {

using std::invalid_argument;

struct OffHeader {
  bool colors = false, normals = false, texture = false;
  int64_t vertices = 0, faces = 0;
};

// The header's first word (never empty): a keyword, or the vertex count when there is none.
bool is_keyword(std::string_view w) {
  return w.find("OFF") != std::string_view::npos || !std::isdigit(static_cast<unsigned char>(w[0]));
}

// "[ST][C][N]OFF"; ModelNet's files glue the counts to it ("OFF1234 567 0"): the digits
// after OFF are handed back as the first count.
std::string_view parse_keyword(std::string_view word, OffHeader& h) {
  std::string_view k = word;
  auto take = [&k](std::string_view prefix) {
    if (k.substr(0, prefix.size()) != prefix) return false;
    k.remove_prefix(prefix.size());
    return true;
  };
  h.texture = take("ST");
  h.colors = take("C");
  h.normals = take("N");
  if (take("4") || take("n")) throw invalid_argument("\"" + std::string(word.substr(0, 16)) + "\": only 3D OFF files are read");
  if (!take("OFF")) throw invalid_argument("it does not start with OFF, COFF, NOFF or CNOFF");
  return k;
}

OffHeader parse_header(TextLines& lines, int64_t max_vertices, int64_t max_faces) {
  OffHeader h;
  std::vector<std::string_view> w;
  if (!lines.next(w)) throw invalid_argument("it holds no header");
  std::vector<std::string_view> counts;
  if (is_keyword(w[0])) {  // the keyword is optional
    const auto glued = parse_keyword(w[0], h);
    if (w.size() > 1 && w[1] == "BINARY") throw invalid_argument("binary OFF is not read (write it as text OFF or PLY)");
    if (!glued.empty()) counts.push_back(glued);
    counts.insert(counts.end(), w.begin() + 1, w.end());
    if (counts.empty() && !lines.next(counts)) throw invalid_argument("it has no vertex and face counts");
  } else {
    counts = w;
  }
  if (counts.size() < 2 || counts.size() > 3) throw invalid_argument("the counts line is not \"vertices faces [edges]\"");
  h.vertices = whole_number(counts[0], "the vertex count", 0, max_vertices);
  h.faces = whole_number(counts[1], "the face count", 0, max_faces);
  if (h.vertices == 0) throw invalid_argument("it has no vertices");
  return h;
}

// A colour as written: 3 or 4 values (alpha dropped); a single colour-map index is not read.
void read_vertices(TextLines& lines, const OffHeader& h, std::vector<float>& xyz, std::vector<float>& normals,
                   std::vector<double>& colors) {
  const size_t fixed = 3 + (h.normals ? 3 : 0), texture = h.texture ? 2 : 0;
  std::vector<std::string_view> w;
  bool plain_colors = false;  // colours on a plain "OFF" file's lines (some writers do that)
  for (int64_t i = 0; i < h.vertices; ++i) {
    if (!lines.next(w))
      throw invalid_argument("the file ends after " + std::to_string(i) + " of " + std::to_string(h.vertices) + " vertices (truncated?)");
    const size_t color_words = w.size() >= fixed + texture ? w.size() - fixed - texture : 0;
    const bool has_color = color_words == 3 || color_words == 4;
    if (w.size() < fixed + texture || (h.colors && !has_color) || (!h.colors && color_words != 0 && !has_color))
      throw invalid_argument("line " + std::to_string(lines.line()) + ": a vertex of " + std::to_string(w.size()) +
                             " values does not match the header" + (h.colors && color_words == 1 ? " (colour-map indices are not read)" : ""));
    if (!h.colors && i == 0) plain_colors = has_color;
    if (!h.colors && has_color != plain_colors)
      throw invalid_argument("line " + std::to_string(lines.line()) + ": some vertices have colours and some do not");
    for (size_t k = 0; k < 3; ++k) xyz.push_back(static_cast<float>(real_number(w[k])));
    if (h.normals)
      for (size_t k = 3; k < 6; ++k) normals.push_back(static_cast<float>(real_number(w[k])));
    if (has_color)
      for (size_t k = fixed; k < fixed + 3; ++k) colors.push_back(real_number(w[k]));
  }
}

// Polygons become triangle fans; a face's trailing colour is dropped, and points and
// lines (fewer than 3 vertices) make no triangle.
void read_faces(TextLines& lines, const OffHeader& h, int64_t max_faces, std::vector<int64_t>& triangles) {
  std::vector<std::string_view> w;
  for (int64_t i = 0; i < h.faces; ++i) {
    if (!lines.next(w))
      throw invalid_argument("the file ends after " + std::to_string(i) + " of " + std::to_string(h.faces) + " faces (truncated?)");
    const auto n = whole_number(w[0], "line " + std::to_string(lines.line()) + ": the face size", 1, 1 << 16);
    if (static_cast<int64_t>(w.size()) < n + 1)
      throw invalid_argument("line " + std::to_string(lines.line()) + ": a face of " + std::to_string(n) + " vertices lists " +
                             std::to_string(w.size() - 1));
    std::vector<int64_t> ring(static_cast<size_t>(n));
    for (int64_t k = 0; k < n; ++k)
      ring[static_cast<size_t>(k)] = whole_number(w[static_cast<size_t>(k + 1)],
                                                  "line " + std::to_string(lines.line()) + ": a vertex index", 0, h.vertices - 1);
    if (static_cast<int64_t>(triangles.size() / 3) + std::max<int64_t>(n - 2, 0) > max_faces)
      throw invalid_argument("its polygons make more than " + std::to_string(max_faces) + " triangles");
    for (int64_t k = 1; k + 1 < n; ++k) triangles.insert(triangles.end(), {ring[0], ring[static_cast<size_t>(k)], ring[static_cast<size_t>(k + 1)]});
  }
}

torch::Tensor rows(std::vector<float>& v) {
  return torch::from_blob(v.data(), {static_cast<int64_t>(v.size() / 3), 3}, torch::kFloat32).clone();
}

// 0–1 floats, or 0–255 integers when any value is over 1 (Geomview allows both).
torch::Tensor color_rows(const std::vector<double>& colors) {
  const auto [lo, hi] = std::minmax_element(colors.begin(), colors.end());
  if (!(*lo >= 0) || !(*hi <= 255)) throw invalid_argument("a colour value lies outside [0, 255]");
  const double scale = *hi > 1 ? 1.0 / 255 : 1.0;
  std::vector<float> v(colors.size());
  std::transform(colors.begin(), colors.end(), v.begin(), [scale](double c) { return static_cast<float>(c * scale); });
  return rows(v);
}

}  // namespace

Mesh read_off(std::string_view bytes, int64_t max_vertices, int64_t max_faces) {
  TextLines lines(bytes, '#');
  const auto h = parse_header(lines, max_vertices, max_faces);
  // The least the body can take, checked before anything is reserved: "0 0 0\n" per
  // vertex and "1 0\n" per face.
  const auto left = static_cast<int64_t>(bytes.size() - std::min(bytes.size(), lines.offset()));
  if (left < 6 * h.vertices + 4 * h.faces - 1)
    throw invalid_argument(std::to_string(left) + " bytes cannot hold " + std::to_string(h.vertices) + " vertices and " +
                           std::to_string(h.faces) + " faces (truncated?)");
  std::vector<float> xyz, normals;
  std::vector<double> colors;
  xyz.reserve(static_cast<size_t>(3 * h.vertices));
  read_vertices(lines, h, xyz, normals, colors);
  std::vector<int64_t> triangles;
  read_faces(lines, h, max_faces, triangles);
  Mesh mesh;
  mesh.vertices = rows(xyz);
  if (!normals.empty()) mesh.normals = rows(normals);
  if (!colors.empty()) mesh.rgb = color_rows(colors);
  mesh.faces = triangles.empty() ? torch::empty({0, 3}, torch::kInt64)
                                 : torch::from_blob(triangles.data(), {static_cast<int64_t>(triangles.size() / 3), 3}, torch::kInt64).clone();
  return mesh;
}

}  // namespace gen::shape3d::detail
