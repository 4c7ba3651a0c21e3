#include <gen/motion/npy.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include <gen/atomic_file.h>
#include <gen/error.h>

#include "file_bytes.h"

namespace gen::motion {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
constexpr size_t kMaxHeader = 1 << 16;  // numpy itself refuses headers over 10,000 bytes
constexpr int kMaxDims = 32;            // numpy's own limit

bool little_endian_host() {
  const uint16_t one = 1;
  unsigned char first;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

// numpy's tuple syntax: "(170, 22, 3)", "(263,)", "()".
std::string shape_text(const torch::Tensor& a) {
  std::string s = "(";
  for (int64_t d = 0; d < a.dim(); ++d) s += (d ? ", " : "") + std::to_string(a.size(d));
  return s + (a.dim() == 1 ? ",)" : ")");
}

void put_le(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint64_t get_le(std::string_view in, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= uint64_t(static_cast<unsigned char>(in[at + i])) << (8 * i);
  return v;
}

// A reader for the one Python literal numpy writes: {'descr': '<f4', 'fortran_order':
// False, 'shape': (2, 3), }. Only the forms numpy produces are accepted.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& name) : text_(text), name_(name) {}

  struct Header {
    std::string descr;
    bool fortran_order = false;
    std::vector<int64_t> shape;
    bool has_descr = false, has_order = false, has_shape = false;
  };

  Header parse() {
    Header h;
    expect('{');
    while (!peek('}')) {
      const std::string key = string_literal();
      expect(':');
      if (key == "descr") h.descr = string_literal(), h.has_descr = true;
      else if (key == "fortran_order") h.fortran_order = boolean(), h.has_order = true;
      else if (key == "shape") h.shape = tuple(), h.has_shape = true;
      else fail("unknown header key '" + key + "'");
      if (!peek('}')) expect(',');
    }
    expect('}');
    skip_space();
    if (pos_ != text_.size()) fail("text after the header dictionary");
    if (!h.has_descr || !h.has_order || !h.has_shape) fail("the header lacks descr, fortran_order or shape");
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw InputError(name_ + ": not a .npy array: " + what); }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\t')) ++pos_;
  }
  bool peek(char c) {
    skip_space();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  void expect(char c) {
    if (!peek(c)) fail(std::string("expected '") + c + "' in the header");
    ++pos_;
  }
  std::string string_literal() {
    skip_space();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) fail("expected a quoted string in the header");
    const char quote = text_[pos_++];
    const size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos || end - pos_ > 64) fail("an unterminated or overlong string in the header");
    std::string s(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }
  bool boolean() {
    skip_space();
    for (auto [word, value] : {std::pair{"True", true}, std::pair{"False", false}})
      if (text_.substr(pos_, std::strlen(word)) == word) {
        pos_ += std::strlen(word);
        return value;
      }
    fail("fortran_order is neither True nor False");
  }
  std::vector<int64_t> tuple() {
    expect('(');
    std::vector<int64_t> dims;
    while (!peek(')')) {
      skip_space();
      int64_t v = 0;
      size_t digits = 0;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        if (v > (std::numeric_limits<int64_t>::max() - 9) / 10) fail("a dimension is too large");
        v = v * 10 + (text_[pos_++] - '0');
        ++digits;
      }
      if (digits == 0) fail("a dimension is not a non-negative integer");
      if (dims.size() == kMaxDims) fail("more than 32 dimensions");
      dims.push_back(v);
      if (!peek(')')) expect(',');
    }
    expect(')');
    return dims;
  }

  std::string_view text_;
  const std::string& name_;
  size_t pos_ = 0;
};

}  // namespace

std::string encode_npy(const torch::Tensor& array) {
  const auto type = array.scalar_type();
  if (type != torch::kFloat32 && type != torch::kFloat64)
    throw Error(".npy writer: only float32 and float64 arrays, got " + std::string(c10::toString(type)));
  std::string header = "{'descr': '" + std::string(type == torch::kFloat32 ? "<f4" : "<f8") +
                       "', 'fortran_order': False, 'shape': " + shape_text(array) + ", }";
  // numpy pads with spaces and a final newline so the data starts on a 64-byte boundary.
  const size_t fixed = kMagicSize + 2 + 2;
  header.append(64 - (fixed + header.size() + 1) % 64, ' ');
  header.push_back('\n');
  auto data = array.contiguous();
  if (!little_endian_host()) throw Error(".npy writer: big-endian hosts are not supported");
  std::string out(kMagic, kMagicSize);
  out.push_back('\x01');
  out.push_back('\x00');
  put_le(out, header.size(), 2);
  out += header;
  out.append(static_cast<const char*>(data.data_ptr()), data.numel() * data.element_size());
  return out;
}

void write_npy(const std::filesystem::path& path, const torch::Tensor& array) { write_file_atomic(path, encode_npy(array)); }

torch::Tensor decode_npy(std::string_view bytes, const std::string& name) {
  auto fail = [&](const std::string& what) -> InputError { return InputError(name + ": not a .npy array: " + what); };
  if (bytes.size() < kMagicSize + 4 || bytes.substr(0, kMagicSize) != std::string_view(kMagic, kMagicSize))
    throw fail("no \\x93NUMPY signature");
  const int major = static_cast<unsigned char>(bytes[6]);
  if (major < 1 || major > 3) throw fail("format version " + std::to_string(major) + " is unknown");
  const int length_bytes = major == 1 ? 2 : 4;
  const size_t start = kMagicSize + 2 + length_bytes;
  if (bytes.size() < start) throw fail("the file ends in its header");
  const uint64_t header_size = get_le(bytes, kMagicSize + 2, length_bytes);
  if (header_size > kMaxHeader || header_size > bytes.size() - start) throw fail("the header length is beyond the file");
  const auto h = HeaderParser(bytes.substr(start, header_size), name).parse();
  const std::string& d = h.descr;
  if (d.size() != 3 || (d[0] != '<' && d[0] != '>' && d[0] != '=') || d[1] != 'f' || (d[2] != '4' && d[2] != '8'))
    throw fail("dtype '" + d + "' is not float32 or float64");
  const size_t item = d[2] == '4' ? 4 : 8;
  uint64_t count = 1;
  for (int64_t dim : h.shape) {
    if (dim != 0 && count > std::numeric_limits<uint64_t>::max() / item / uint64_t(dim)) throw fail("the shape is too large");
    count *= uint64_t(dim);
  }
  const size_t data_start = start + header_size;
  if (count * item != bytes.size() - data_start)
    throw fail("the shape needs " + std::to_string(count * item) + " bytes of data, the file has " +
               std::to_string(bytes.size() - data_start));
  const auto type = item == 4 ? torch::kFloat32 : torch::kFloat64;
  std::vector<int64_t> shape = h.shape;
  if (h.fortran_order) shape.assign(h.shape.rbegin(), h.shape.rend());
  auto out = torch::empty(shape, torch::TensorOptions().dtype(type));
  std::memcpy(out.data_ptr(), bytes.data() + data_start, count * item);
  const bool swap = (d[0] == '>') == little_endian_host();
  if (swap && d[0] != '=') {
    auto raw = static_cast<unsigned char*>(out.data_ptr());
    for (uint64_t i = 0; i < count; ++i) std::reverse(raw + i * item, raw + (i + 1) * item);
  }
  if (h.fortran_order) {
    std::vector<int64_t> reverse(shape.size());
    for (size_t i = 0; i < shape.size(); ++i) reverse[i] = int64_t(shape.size() - 1 - i);
    out = out.permute(reverse).contiguous();
  }
  return out;
}

torch::Tensor read_npy(const std::filesystem::path& path, int64_t max_bytes) {
  const auto bytes = detail::read_file_bytes(path, max_bytes, ".npy files");
  return decode_npy(bytes, path.string());
}

}  // namespace gen::motion
