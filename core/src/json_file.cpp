#include <gen/json_file.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include <gen/error.h>

namespace gen {

nlohmann::json parse_python_json(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 16);
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) out += text[++i];
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    bool replaced = false;
    for (const char* literal : {"-Infinity", "Infinity", "NaN"}) {
      size_t n = std::char_traits<char>::length(literal);
      if (text.compare(i, n, literal) == 0) {
        out += '"' + std::string(literal) + '"';
        i += n - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return nlohmann::json::parse(out);
}

nlohmann::json read_json_file(const std::filesystem::path& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open " + what + " " + path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  try {
    return parse_python_json(buffer.str());
  } catch (const nlohmann::json::exception& e) {
    throw InputError(what + " " + path.string() + " is not valid JSON: " + e.what());
  }
}

double json_number(const nlohmann::json& v, const std::string& key) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    auto s = v.get<std::string>();
    if (s == "Infinity") return INFINITY;
    if (s == "-Infinity") return -INFINITY;
    if (s == "NaN") return NAN;
  }
  throw UsageError("'" + key + "' must be a number");
}

}  // namespace gen
