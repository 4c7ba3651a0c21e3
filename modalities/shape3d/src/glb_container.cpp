#include "glb_container.h"

#include <cstdint>
#include <cstring>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace gen::shape3d::detail {

namespace {

uint32_t le32(std::string_view s, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<size_t>(i)]);
  return v;
}

std::string base64(std::string_view bytes) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
    out += table[(n >> 18) & 63];
    out += table[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? table[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? table[n & 63] : '=';
  }
  return out;
}

bool allowed_uri(const nlohmann::json& uri, bool allow_relative_files) {
  if (!uri.is_string()) return false;
  const auto s = uri.get<std::string>();
  if (s.rfind("data:", 0) == 0) return true;
  return allow_relative_files && !s.empty() && s[0] != '/' && s.find("..") == std::string::npos &&
         s.find(':') == std::string::npos && s.find('\\') == std::string::npos;
}

void check_uris(const nlohmann::json& gltf, const char* list, bool allow_relative_files) {
  if (!gltf.contains(list)) return;
  if (!gltf[list].is_array()) throw std::invalid_argument(std::string("\"") + list + "\" is not an array");
  for (const auto& item : gltf[list])
    if (item.is_object() && item.contains("uri") && !allowed_uri(item["uri"], allow_relative_files))
      throw std::invalid_argument(std::string("it refers to a file outside its folder in \"") + list + "\"");
}

}  // namespace

std::string glb_to_gltf(std::string_view glb) {
  if (glb.size() < 20 || glb.substr(0, 4) != "glTF") throw std::invalid_argument("not a binary glTF file");
  if (le32(glb, 4) != 2) throw std::invalid_argument("only glTF 2.0 is supported");
  if (le32(glb, 8) > glb.size()) throw std::invalid_argument("the file is shorter than its header says (truncated?)");
  const size_t total = le32(glb, 8);
  std::string_view json_chunk, bin_chunk;
  for (size_t at = 12; at + 8 <= total;) {
    const size_t length = le32(glb, at), type = le32(glb, at + 4);
    if (length > total - at - 8) throw std::invalid_argument("a chunk runs past the end of the file");
    const auto data = glb.substr(at + 8, length);
    if (type == 0x4E4F534A && json_chunk.empty()) json_chunk = data;       // "JSON"
    else if (type == 0x004E4942 && bin_chunk.empty()) bin_chunk = data;   // "BIN\0"
    at += 8 + length;
  }
  if (json_chunk.empty()) throw std::invalid_argument("no JSON chunk");
  nlohmann::json gltf;
  try {
    gltf = nlohmann::json::parse(json_chunk);
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument("its JSON chunk is not valid JSON");
  }
  if (!gltf.is_object()) throw std::invalid_argument("its JSON chunk is not an object");
  check_uris(gltf, "images", false);
  check_uris(gltf, "buffers", false);
  if (gltf.contains("buffers") && !gltf["buffers"].empty()) {
    auto& first = gltf["buffers"][0];
    if (!first.is_object()) throw std::invalid_argument("buffer 0 is not an object");
    if (!first.contains("uri")) {  // the GLB-stored buffer
      if (bin_chunk.empty()) throw std::invalid_argument("buffer 0 has no binary chunk");
      first["uri"] = "data:application/octet-stream;base64," + base64(bin_chunk);
    }
  }
  return gltf.dump();
}

void check_gltf_uris(std::string_view gltf_text, bool allow_relative_files) {
  nlohmann::json gltf;
  try {
    gltf = nlohmann::json::parse(gltf_text);
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument("not valid JSON");
  }
  if (!gltf.is_object()) throw std::invalid_argument("not a glTF object");
  check_uris(gltf, "images", allow_relative_files);
  check_uris(gltf, "buffers", allow_relative_files);
}

}  // namespace gen::shape3d::detail
