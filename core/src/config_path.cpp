#include <gen/config_path.h>

#include <algorithm>

#include <gen/error.h>

namespace gen {

nlohmann::json parse_embedded_config(const char* text, const std::string& name) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error("the embedded " + name + " is not JSON: " + e.what());
  }
}

const nlohmann::json& config_at(const nlohmann::json& root, const std::string& path) {
  const nlohmann::json* node = &root;
  size_t begin = 0;
  while (begin <= path.size()) {
    const size_t end = std::min(path.find('/', begin), path.size());
    const auto key = path.substr(begin, end - begin);
    if (!node->is_object() || !node->contains(key)) throw Error("the embedded config has no entry '" + path + "'");
    node = &(*node)[key];
    begin = end + 1;
  }
  return *node;
}

double config_number(const nlohmann::json& root, const std::string& path) {
  const auto& j = config_at(root, path);
  if (!j.is_number()) throw Error("the embedded config's '" + path + "' must be a number");
  return j.get<double>();
}

std::vector<std::string> config_strings(const nlohmann::json& root, const std::string& path) {
  const auto& j = config_at(root, path);
  const auto wrong = [&] { return Error("the embedded config's '" + path + "' must be a list of strings"); };
  if (!j.is_array()) throw wrong();
  std::vector<std::string> out;
  for (const auto& v : j) {
    if (!v.is_string()) throw wrong();
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::pair<double, double> config_range(const nlohmann::json& root, const std::string& path) {
  const auto& j = config_at(root, path);
  if (j.is_number()) return {j.get<double>(), j.get<double>()};
  if (!j.is_array() || j.size() != 2 || !j[0].is_number() || !j[1].is_number())
    throw Error("the embedded config's '" + path + "' must be a range [lo, hi]");
  return {j[0].get<double>(), j[1].get<double>()};
}

}  // namespace gen
