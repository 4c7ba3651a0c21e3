#include "pcd_reader.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <liblzf/lzf.h>
#include <torch/torch.h>

#include "text_words.h"

namespace gen::shape3d::detail {

namespace {

using std::invalid_argument;

struct PcdField {
  std::string name;
  int size = 0;        // bytes of one value: 1, 2, 4 or 8
  char type = 0;       // I, U or F
  int64_t count = 1;   // values per point
  int64_t offset = 0;  // bytes into a binary record
};

struct PcdHeader {
  std::vector<PcdField> fields;
  int64_t width = -1, height = -1, points = -1;
  std::string data;       // ascii, binary, binary_compressed
  size_t body_start = 0;  // the byte after the DATA line
  int64_t record_bytes = 0;
  int64_t values_per_point = 0;
  int find(const std::string& name) const {
    for (size_t i = 0; i < fields.size(); ++i)
      if (fields[i].name == name) return static_cast<int>(i);
    return -1;
  }
};

// One value per field, on a line that must name exactly as many as FIELDS did.
void per_field(const PcdHeader& h, const std::vector<std::string_view>& w, const std::string& key) {
  if (h.fields.empty()) throw invalid_argument(key + " comes before FIELDS");
  if (w.size() != h.fields.size() + 1)
    throw invalid_argument(key + " has " + std::to_string(w.size() - 1) + " entries for " +
                           std::to_string(h.fields.size()) + " fields");
}

void parse_line(PcdHeader& h, const std::vector<std::string_view>& w) {
  const std::string key(w[0]);
  if (key == "VERSION" || key == "VIEWPOINT") return;
  if (key == "FIELDS" || key == "COLUMNS") {
    if (!h.fields.empty()) throw invalid_argument("FIELDS appears twice");
    if (w.size() < 2) throw invalid_argument("FIELDS names no field");
    for (size_t i = 1; i < w.size(); ++i) h.fields.push_back({std::string(w[i])});
  } else if (key == "SIZE") {
    per_field(h, w, key);
    for (size_t i = 0; i < h.fields.size(); ++i) {
      const auto s = whole_number(w[i + 1], "SIZE", 1, 8);
      if (s != 1 && s != 2 && s != 4 && s != 8) throw invalid_argument("SIZE " + std::to_string(s) + " is not 1, 2, 4 or 8");
      h.fields[i].size = static_cast<int>(s);
    }
  } else if (key == "TYPE") {
    per_field(h, w, key);
    for (size_t i = 0; i < h.fields.size(); ++i) {
      if (w[i + 1].size() != 1 || std::string_view("IUF").find(w[i + 1][0]) == std::string_view::npos)
        throw invalid_argument("TYPE \"" + std::string(w[i + 1]) + "\" is not I, U or F");
      h.fields[i].type = w[i + 1][0];
    }
  } else if (key == "COUNT") {
    per_field(h, w, key);
    for (size_t i = 0; i < h.fields.size(); ++i) h.fields[i].count = whole_number(w[i + 1], "COUNT", 1, 1 << 20);
  } else if (key == "WIDTH") {
    if (w.size() != 2) throw invalid_argument("WIDTH takes one number");
    h.width = whole_number(w[1], "WIDTH", 0, std::numeric_limits<int32_t>::max());
  } else if (key == "HEIGHT") {
    if (w.size() != 2) throw invalid_argument("HEIGHT takes one number");
    h.height = whole_number(w[1], "HEIGHT", 0, std::numeric_limits<int32_t>::max());
  } else if (key == "POINTS") {
    if (w.size() != 2) throw invalid_argument("POINTS takes one number");
    h.points = whole_number(w[1], "POINTS", 0, std::numeric_limits<int32_t>::max());
  } else if (key == "DATA") {
    if (w.size() != 2 || (w[1] != "ascii" && w[1] != "binary" && w[1] != "binary_compressed"))
      throw invalid_argument("DATA is not ascii, binary or binary_compressed");
    h.data = std::string(w[1]);
  } else {
    throw invalid_argument("unknown header line \"" + key.substr(0, 32) + "\"");
  }
}

// The header's fields must describe a point gen can read: x y z (one float each), and
// optionally normal_x/y/z and a packed rgb/rgba of 4 bytes.
void check_fields(PcdHeader& h) {
  for (auto& f : h.fields) {
    if (f.size == 0) throw invalid_argument("no SIZE line");
    if (f.type == 0) throw invalid_argument("no TYPE line");
    if (f.type == 'F' && f.size != 4 && f.size != 8) throw invalid_argument("field " + f.name + " is a float of " + std::to_string(f.size) + " bytes");
    f.offset = h.record_bytes;
    h.record_bytes += f.size * f.count;
    h.values_per_point += f.count;
    if (h.find(f.name) != &f - h.fields.data()) throw invalid_argument("field " + f.name + " appears twice");
    if (h.record_bytes > (int64_t{1} << 24)) throw invalid_argument("a point of over 16 MiB");
  }
  for (const char* axis : {"x", "y", "z"}) {
    const int i = h.find(axis);
    if (i < 0) throw invalid_argument(std::string("no ") + axis + " field");
    if (h.fields[i].count != 1) throw invalid_argument(std::string("field ") + axis + " has COUNT " + std::to_string(h.fields[i].count));
  }
  const int normals = (h.find("normal_x") >= 0) + (h.find("normal_y") >= 0) + (h.find("normal_z") >= 0);
  if (normals != 0 && normals != 3) throw invalid_argument("normal_x, normal_y and normal_z come together");
  for (const char* name : {"rgb", "rgba"}) {
    const int i = h.find(name);
    if (i >= 0 && (h.fields[i].size != 4 || h.fields[i].count != 1))
      throw invalid_argument(std::string("field ") + name + " is not one packed 4-byte colour");
  }
}

PcdHeader parse_header(std::string_view bytes) {
  PcdHeader h;
  size_t at = 0;
  const size_t limit = std::min<size_t>(bytes.size(), 1 << 16);
  while (h.data.empty()) {
    const size_t end = bytes.find('\n', at);
    if (end == std::string_view::npos || end >= limit) throw invalid_argument("the header has no DATA line in its first 64 KiB");
    const auto line = bytes.substr(at, end - at);
    at = end + 1;
    const auto w = words(line);
    if (w.empty() || w[0][0] == '#') continue;
    parse_line(h, w);
  }
  h.body_start = at;
  if (h.fields.empty()) throw invalid_argument("no FIELDS line");
  if (h.width < 0 || h.height < 0) throw invalid_argument("no WIDTH or HEIGHT line");
  if (h.points < 0) h.points = h.width * h.height;
  if (h.points != h.width * h.height)
    throw invalid_argument("POINTS " + std::to_string(h.points) + " is not WIDTH x HEIGHT (" + std::to_string(h.width) +
                           " x " + std::to_string(h.height) + ")");
  if (h.points == 0) throw invalid_argument("it has no points");
  check_fields(h);
  return h;
}

double binary_value(const char* p, const PcdField& f) {
  switch (f.type) {
    case 'F': {
      if (f.size == 4) { float v; std::memcpy(&v, p, 4); return v; }
      double v; std::memcpy(&v, p, 8); return v;
    }
    case 'I': {
      if (f.size == 1) { int8_t v; std::memcpy(&v, p, 1); return v; }
      if (f.size == 2) { int16_t v; std::memcpy(&v, p, 2); return v; }
      if (f.size == 4) { int32_t v; std::memcpy(&v, p, 4); return v; }
      int64_t v; std::memcpy(&v, p, 8); return static_cast<double>(v);
    }
    default: {
      if (f.size == 1) { uint8_t v; std::memcpy(&v, p, 1); return v; }
      if (f.size == 2) { uint16_t v; std::memcpy(&v, p, 2); return v; }
      if (f.size == 4) { uint32_t v; std::memcpy(&v, p, 4); return v; }
      uint64_t v; std::memcpy(&v, p, 8); return static_cast<double>(v);
    }
  }
}

// Packed colour bytes (B, G, R, A in memory; PCL stores them as a float's or an int's bits).
void unpack_color(uint32_t bits, float* rgb) {
  rgb[0] = static_cast<float>((bits >> 16) & 0xff) / 255.0f;
  rgb[1] = static_cast<float>((bits >> 8) & 0xff) / 255.0f;
  rgb[2] = static_cast<float>(bits & 0xff) / 255.0f;
}

uint32_t text_color_bits(std::string_view word, const PcdField& f) {
  const std::string s(word);
  char* end = nullptr;
  uint32_t bits = 0;
  if (f.type == 'F') {
    const float v = std::strtof(s.c_str(), &end);
    std::memcpy(&bits, &v, 4);
  } else {
    const long long v = std::strtoll(s.c_str(), &end, 10);
    bits = static_cast<uint32_t>(v);
  }
  if (end != s.c_str() + s.size()) throw invalid_argument("a colour \"" + s.substr(0, 32) + "\" is not a number");
  return bits;
}

// Collects points: the three reads give a point's coordinates, normal and colour.
class PointSink {
 public:
  PointSink(const PcdHeader& h) : x_(h.find("x")), y_(h.find("y")), z_(h.find("z")), nx_(h.find("normal_x")),
        ny_(h.find("normal_y")), nz_(h.find("normal_z")), color_(h.find("rgb") >= 0 ? h.find("rgb") : h.find("rgba")) {
    xyz_.reserve(static_cast<size_t>(h.points) * 3);
  }
  bool has_normals() const { return nx_ >= 0; }
  bool has_color() const { return color_ >= 0; }
  int x() const { return x_; } int y() const { return y_; } int z() const { return z_; }
  int nx() const { return nx_; } int ny() const { return ny_; } int nz() const { return nz_; }
  int color() const { return color_; }

  void add(const double xyz[3], const double normal[3], uint32_t color_bits) {
    if (!std::isfinite(xyz[0]) || !std::isfinite(xyz[1]) || !std::isfinite(xyz[2])) {
      ++dropped_;
      return;
    }
    for (int k = 0; k < 3; ++k) xyz_.push_back(static_cast<float>(xyz[k]));
    if (has_normals()) {
      for (int k = 0; k < 3; ++k) normals_.push_back(static_cast<float>(normal[k]));
      finite_normals_ = finite_normals_ && std::isfinite(normal[0]) && std::isfinite(normal[1]) && std::isfinite(normal[2]);
    }
    if (has_color()) {
      float rgb[3];
      unpack_color(color_bits, rgb);
      rgb_.insert(rgb_.end(), rgb, rgb + 3);
    }
  }

  PointCloud finish(int64_t* dropped) {
    const auto n = static_cast<int64_t>(xyz_.size() / 3);
    if (n == 0) throw invalid_argument("no point has finite coordinates");
    auto rows = [n](std::vector<float>& v) { return torch::from_blob(v.data(), {n, 3}, torch::kFloat32).clone(); };
    PointCloud out;
    out.xyz = rows(xyz_);
    if (has_color()) out.rgb = rows(rgb_);
    // Normals PCL could not estimate are NaN: then the file's normals are left out.
    if (has_normals() && finite_normals_) out.normals = rows(normals_);
    if (dropped) *dropped = dropped_;
    return out;
  }

 private:
  int x_, y_, z_, nx_, ny_, nz_, color_;
  std::vector<float> xyz_, normals_, rgb_;
  bool finite_normals_ = true;
  int64_t dropped_ = 0;
};

void read_ascii(std::string_view body, const PcdHeader& h, PointSink& sink) {
  size_t at = 0;
  int64_t read = 0, line_number = 0;
  while (read < h.points) {
    if (at >= body.size()) throw invalid_argument("the data has " + std::to_string(read) + " points, the header says " + std::to_string(h.points));
    size_t end = body.find('\n', at);
    if (end == std::string_view::npos) end = body.size();
    const auto w = words(body.substr(at, end - at));
    at = end + 1;
    ++line_number;
    if (w.empty()) continue;
    if (static_cast<int64_t>(w.size()) != h.values_per_point)
      throw invalid_argument("data line " + std::to_string(line_number) + " has " + std::to_string(w.size()) +
                             " values, the fields need " + std::to_string(h.values_per_point));
    // The first value of field i sits at the sum of the earlier fields' counts.
    auto first = [&](int i) {
      int64_t k = 0;
      for (int j = 0; j < i; ++j) k += h.fields[static_cast<size_t>(j)].count;
      return w[static_cast<size_t>(k)];
    };
    const double xyz[3] = {real_number(first(sink.x())), real_number(first(sink.y())), real_number(first(sink.z()))};
    double normal[3] = {0, 0, 0};
    if (sink.has_normals()) normal[0] = real_number(first(sink.nx())), normal[1] = real_number(first(sink.ny())), normal[2] = real_number(first(sink.nz()));
    const uint32_t bits = sink.has_color() ? text_color_bits(first(sink.color()), h.fields[static_cast<size_t>(sink.color())]) : 0;
    sink.add(xyz, normal, bits);
    ++read;
  }
}

// Binary records, point after point (`stride` = record bytes), or — decompressed
// binary_compressed — field after field (each field's values for all points together).
void read_binary(const char* data, const PcdHeader& h, bool by_field, PointSink& sink) {
  std::vector<int64_t> base(h.fields.size());
  int64_t field_start = 0;
  for (size_t i = 0; i < h.fields.size(); ++i) {
    base[i] = by_field ? field_start : h.fields[i].offset;
    field_start += h.fields[i].size * h.fields[i].count * h.points;
  }
  auto at = [&](int i, int64_t p) {
    const auto& f = h.fields[static_cast<size_t>(i)];
    return data + base[static_cast<size_t>(i)] + p * (by_field ? f.size * f.count : h.record_bytes);
  };
  for (int64_t p = 0; p < h.points; ++p) {
    const double xyz[3] = {binary_value(at(sink.x(), p), h.fields[static_cast<size_t>(sink.x())]),
                           binary_value(at(sink.y(), p), h.fields[static_cast<size_t>(sink.y())]),
                           binary_value(at(sink.z(), p), h.fields[static_cast<size_t>(sink.z())])};
    double normal[3] = {0, 0, 0};
    if (sink.has_normals())
      for (int k = 0; k < 3; ++k) {
        const int i = k == 0 ? sink.nx() : k == 1 ? sink.ny() : sink.nz();
        normal[k] = binary_value(at(i, p), h.fields[static_cast<size_t>(i)]);
      }
    uint32_t bits = 0;
    if (sink.has_color()) std::memcpy(&bits, at(sink.color(), p), 4);
    sink.add(xyz, normal, bits);
  }
}

}  // namespace

PointCloud read_pcd(std::string_view bytes, int64_t max_points, int64_t* dropped) {
  const auto h = parse_header(bytes);
  if (h.points > max_points)
    throw invalid_argument(std::to_string(h.points) + " points is over the limit of " + std::to_string(max_points));
  const auto body = bytes.substr(h.body_start);
  const auto body_bytes = static_cast<int64_t>(body.size());
  // The least the data can take, checked before anything is allocated: a text value is
  // at least one character and a separator.
  const int64_t data_bytes = h.points * h.record_bytes;
  const int64_t least = h.data == "ascii" ? 2 * h.points * h.values_per_point - 1 : h.data == "binary" ? data_bytes : 9;
  if (body_bytes < least)
    throw invalid_argument("the data holds " + std::to_string(body_bytes) + " bytes, " + std::to_string(h.points) +
                           " points need at least " + std::to_string(least) + " (truncated?)");
  PointSink sink(h);
  if (h.data == "ascii") {
    read_ascii(body, h, sink);
  } else if (h.data == "binary") {
    read_binary(body.data(), h, false, sink);
  } else {
    uint32_t sizes[2];
    std::memcpy(sizes, body.data(), sizeof sizes);
    const auto packed = body_bytes - static_cast<int64_t>(sizeof sizes);
    if (sizes[1] != data_bytes)
      throw invalid_argument("the compressed data unpacks to " + std::to_string(sizes[1]) + " bytes, the header needs " +
                             std::to_string(data_bytes));
    // LZF expands a 3-byte back-reference to at most 264 bytes: more is not LZF.
    if (sizes[0] == 0 || sizes[0] > packed || data_bytes > 100 * int64_t{sizes[0]})
      throw invalid_argument("the compressed data is " + std::to_string(sizes[0]) + " bytes, the file holds " +
                             std::to_string(packed) + " (truncated?)");
    std::vector<char> unpacked(static_cast<size_t>(data_bytes));
    const auto got = lzf_decompress(body.data() + sizeof sizes, sizes[0], unpacked.data(), static_cast<unsigned>(unpacked.size()));
    if (got != unpacked.size()) throw invalid_argument("the compressed data is corrupt");
    read_binary(unpacked.data(), h, true, sink);
  }
  return sink.finish(dropped);
}

}  // namespace gen::shape3d::detail
