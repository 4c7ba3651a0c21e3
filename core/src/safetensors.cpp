#include <gen/safetensors.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/error.h>

namespace gen {

namespace {

constexpr uint64_t kMaxHeaderBytes = 100u << 20;  // the reference implementation's limit

struct DtypeSpec {
  const char* name;
  torch::ScalarType type;
  uint64_t bytes;
};
constexpr DtypeSpec kDtypes[] = {
    {"F64", torch::kFloat64, 8}, {"F32", torch::kFloat32, 4}, {"F16", torch::kFloat16, 2},
    {"BF16", torch::kBFloat16, 2}, {"I64", torch::kInt64, 8}, {"I32", torch::kInt32, 4},
    {"I16", torch::kInt16, 2},    {"I8", torch::kInt8, 1},     {"U8", torch::kUInt8, 1},
    {"BOOL", torch::kBool, 1}};

const DtypeSpec* find_dtype(const std::string& name) {
  for (const auto& d : kDtypes)
    if (name == d.name) return &d;
  return nullptr;
}

const DtypeSpec& dtype_of(torch::ScalarType t) {
  for (const auto& d : kDtypes)
    if (d.type == t) return d;
  throw UsageError(std::string("safetensors cannot store dtype ") + c10::toString(t));
}

std::string shape_text(c10::IntArrayRef shape) {
  std::ostringstream s;
  s << "[";
  for (size_t i = 0; i < shape.size(); ++i) s << (i ? ", " : "") << shape[i];
  return s.str() + "]";
}

[[noreturn]] void bad(const std::filesystem::path& p, const std::string& why) {
  throw InputError("invalid safetensors file " + p.string() + ": " + why);
}

uint64_t checked_uint(const nlohmann::json& v, const std::filesystem::path& p, const std::string& what) {
  if (!v.is_number_integer() || (v.is_number_integer() && !v.is_number_unsigned() && v.get<int64_t>() < 0))
    bad(p, what + " must be a non-negative integer");
  return v.get<uint64_t>();
}

TensorInfo parse_entry(const std::string& name, const nlohmann::json& e, const std::filesystem::path& p) {
  if (!e.is_object()) bad(p, "entry '" + name + "' is not an object");
  for (const char* field : {"dtype", "shape", "data_offsets"})
    if (!e.contains(field)) bad(p, "entry '" + name + "' has no " + field);
  TensorInfo info;
  info.name = name;
  if (!e["dtype"].is_string()) bad(p, "entry '" + name + "' dtype is not a string");
  info.dtype = e["dtype"].get<std::string>();
  const DtypeSpec* dt = find_dtype(info.dtype);
  if (!dt) bad(p, "entry '" + name + "' has unsupported dtype '" + info.dtype + "'");
  if (!e["shape"].is_array()) bad(p, "entry '" + name + "' shape is not an array");
  uint64_t numel = 1;
  for (const auto& d : e["shape"]) {
    const uint64_t dim = checked_uint(d, p, "a dimension of '" + name + "'");
    if (dim > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
        (dim != 0 && numel > std::numeric_limits<uint64_t>::max() / dim))
      bad(p, "entry '" + name + "' shape overflows");
    numel *= dim;
    info.shape.push_back(static_cast<int64_t>(dim));
  }
  const auto& off = e["data_offsets"];
  if (!off.is_array() || off.size() != 2) bad(p, "entry '" + name + "' data_offsets must be [begin, end]");
  info.begin = checked_uint(off[0], p, "data_offsets of '" + name + "'");
  info.end = checked_uint(off[1], p, "data_offsets of '" + name + "'");
  if (info.end < info.begin) bad(p, "entry '" + name + "' has reversed data_offsets");
  if (numel > std::numeric_limits<uint64_t>::max() / dt->bytes) bad(p, "entry '" + name + "' size overflows");
  if (info.end - info.begin != numel * dt->bytes)
    bad(p, "entry '" + name + "' shape " + shape_text(info.shape) + " " + info.dtype + " needs " +
               std::to_string(numel * dt->bytes) + " bytes but its data_offsets hold " +
               std::to_string(info.end - info.begin));
  return info;
}

// Parses the header rejecting duplicate top-level keys (JSON allows them; a
// checkpoint with two tensors of one name is ambiguous).
nlohmann::json parse_header(const char* data, size_t size, const std::filesystem::path& p) {
  std::set<std::string> keys;
  std::string duplicate;
  auto reject_duplicates = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    if (depth == 1 && event == nlohmann::json::parse_event_t::key && !keys.insert(parsed.get<std::string>()).second)
      duplicate = parsed.get<std::string>();
    return true;
  };
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(data, data + size, reject_duplicates);
  } catch (const nlohmann::json::exception& e) {
    bad(p, std::string("header is not valid UTF-8 JSON (") + e.what() + ")");
  }
  if (!duplicate.empty()) bad(p, "header names '" + duplicate + "' twice");
  if (!header.is_object()) bad(p, "header is not a JSON object");
  return header;
}

}  // namespace

struct SafeTensorsFile::Mapping {
  void* address = MAP_FAILED;
  size_t size = 0;
  const char* data = nullptr;  // start of the data section
  uint64_t data_size = 0;
  ~Mapping() {
    if (address != MAP_FAILED) ::munmap(address, size);
  }
};

SafeTensorsFile::SafeTensorsFile(SafeTensorsFile&&) noexcept = default;
SafeTensorsFile& SafeTensorsFile::operator=(SafeTensorsFile&&) noexcept = default;
SafeTensorsFile::~SafeTensorsFile() = default;

SafeTensorsFile SafeTensorsFile::open(const std::filesystem::path& path) {
  SafeTensorsFile f;
  f.path_ = path;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError("cannot open " + path.string() + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw InputError(path.string() + " is not a regular file");
  }
  const auto file_size = static_cast<uint64_t>(st.st_size);
  if (file_size < 8) {
    ::close(fd);
    bad(path, "file is " + std::to_string(file_size) + " bytes, shorter than the 8-byte header length");
  }
  f.mapping_ = std::make_unique<Mapping>();
  f.mapping_->size = static_cast<size_t>(file_size);
  f.mapping_->address = ::mmap(nullptr, f.mapping_->size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (f.mapping_->address == MAP_FAILED) throw InputError("cannot map " + path.string() + ": " + std::strerror(errno));
  const auto* bytes = static_cast<const unsigned char*>(f.mapping_->address);
  uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = (header_size << 8) | bytes[i];
  if (header_size > kMaxHeaderBytes) bad(path, "header length " + std::to_string(header_size) + " is absurdly large");
  if (header_size > file_size - 8)
    bad(path, "header length " + std::to_string(header_size) + " is larger than the file (truncated?)");
  const char* header_text = reinterpret_cast<const char*>(bytes + 8);
  auto header = parse_header(header_text, static_cast<size_t>(header_size), path);
  f.mapping_->data = header_text + header_size;
  f.mapping_->data_size = file_size - 8 - header_size;

  for (const auto& [key, value] : header.items()) {
    if (key == "__metadata__") {
      if (!value.is_object()) bad(path, "__metadata__ is not an object");
      for (const auto& [mk, mv] : value.items()) {
        if (!mv.is_string()) bad(path, "__metadata__ value of '" + mk + "' is not a string");
        f.metadata_[mk] = mv.get<std::string>();
      }
      continue;
    }
    f.tensors_.push_back(parse_entry(key, value, path));
  }
  // The data section must be covered exactly: no overlaps, no gaps, nothing past the end.
  std::sort(f.tensors_.begin(), f.tensors_.end(), [](const TensorInfo& a, const TensorInfo& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t expected = 0;
  for (const auto& t : f.tensors_) {
    if (t.begin < expected) bad(path, "tensor '" + t.name + "' overlaps the previous tensor");
    if (t.begin > expected) bad(path, "gap in the data before tensor '" + t.name + "'");
    expected = t.end;
    if (expected > f.mapping_->data_size)
      bad(path, "tensor '" + t.name + "' ends at byte " + std::to_string(t.end) + " but the data section has " +
                    std::to_string(f.mapping_->data_size) + " (truncated?)");
  }
  if (expected != f.mapping_->data_size)
    bad(path, std::to_string(f.mapping_->data_size - expected) + " bytes after the last tensor");
  for (size_t i = 0; i < f.tensors_.size(); ++i) f.index_[f.tensors_[i].name] = i;
  return f;
}

bool SafeTensorsFile::contains(const std::string& name) const { return index_.count(name) > 0; }

const TensorInfo& SafeTensorsFile::info(const std::string& name) const {
  auto it = index_.find(name);
  if (it == index_.end()) throw ModelError("tensor '" + name + "' is missing from " + path_.string());
  return tensors_[it->second];
}

torch::Tensor SafeTensorsFile::get(const std::string& name) const {
  const auto& i = info(name);
  const DtypeSpec* dt = find_dtype(i.dtype);
  auto out = torch::empty(i.shape, torch::TensorOptions().dtype(dt->type));
  if (i.end > i.begin) std::memcpy(out.data_ptr(), mapping_->data + i.begin, i.end - i.begin);
  // The copy is owned; the file pages it came from would otherwise stay in this
  // process's RSS until the file is closed (a 1.7 GB UNet on top of its own copy).
  // Dropping them only costs a re-read from the page cache if the tensor is read again.
  const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto first = (reinterpret_cast<uintptr_t>(mapping_->data + i.begin) + page - 1) / page * page;
  const auto last = reinterpret_cast<uintptr_t>(mapping_->data + i.end) / page * page;
  if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
  return out;
}

torch::Tensor SafeTensorsFile::get(const std::string& name, torch::ScalarType as) const {
  return get(name).to(as);
}

std::map<std::string, torch::Tensor> load_safetensors(const std::filesystem::path& path) {
  auto file = SafeTensorsFile::open(path);
  std::map<std::string, torch::Tensor> out;
  for (const auto& t : file.tensors()) out[t.name] = file.get(t.name);
  return out;
}

void save_safetensors(const std::filesystem::path& path, const std::map<std::string, torch::Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<torch::Tensor> data;
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    if (name == "__metadata__") throw UsageError("a tensor may not be named __metadata__");
    auto t = tensor.detach().to(torch::kCPU).contiguous();
    const auto& dt = dtype_of(t.scalar_type());
    const uint64_t bytes = static_cast<uint64_t>(t.numel()) * dt.bytes;
    header[name] = {{"dtype", dt.name}, {"shape", t.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    data.push_back(t);
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  AtomicFile file(path);
  {
    std::ofstream out(file.temp_path(), std::ios::binary);
    if (!out) throw Error("cannot create " + file.temp_path().string());
    const uint64_t n = text.size();
    unsigned char len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
    out.write(reinterpret_cast<const char*>(len), 8);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const auto& t : data)
      out.write(static_cast<const char*>(t.data_ptr()), static_cast<std::streamsize>(t.numel() * t.element_size()));
    if (!out) throw Error("cannot write " + path.string());
  }
  file.commit();
}

void copy_checked(torch::Tensor& dst, const torch::Tensor& src, const std::string& key) {
  if (dst.sizes() != src.sizes())
    throw ModelError("checkpoint tensor '" + key + "' has shape " + shape_text(src.sizes()) + " but the model expects " +
                     shape_text(dst.sizes()));
  torch::NoGradGuard no_grad;
  dst.copy_(src);
}

}  // namespace gen
