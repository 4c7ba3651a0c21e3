#include "world_config.h"

#include <gen/error.h>

namespace gen::sounds {

extern const char* const kWorldJson;
extern const char* const kCaptionsJson;
extern const char* const kSplitsJson;
extern const char* const kJudgesJson;

namespace {

nlohmann::json parse_embedded(const char* text, const char* name) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("the embedded configs/sounds/") + name + " is not JSON: " + e.what());
  }
}

}  // namespace

const nlohmann::json& world_config() {
  static const auto j = parse_embedded(kWorldJson, "world.json");
  return j;
}

const nlohmann::json& captions_config() {
  static const auto j = parse_embedded(kCaptionsJson, "captions.json");
  return j;
}

const nlohmann::json& splits_config() {
  static const auto j = parse_embedded(kSplitsJson, "splits.json");
  return j;
}

const nlohmann::json& judges_config() {
  static const auto j = parse_embedded(kJudgesJson, "judges.json");
  return j;
}

const nlohmann::json& config_at(const nlohmann::json& root, const std::string& path) {
  const nlohmann::json* node = &root;
  size_t begin = 0;
  while (begin <= path.size()) {
    const size_t end = std::min(path.find('/', begin), path.size());
    const auto key = path.substr(begin, end - begin);
    if (!node->is_object() || !node->contains(key)) throw Error("configs/sounds has no entry '" + path + "'");
    node = &(*node)[key];
    begin = end + 1;
  }
  return *node;
}

double config_number(const nlohmann::json& root, const std::string& path) {
  const auto& j = config_at(root, path);
  if (!j.is_number()) throw Error("configs/sounds '" + path + "' must be a number");
  return j.get<double>();
}

std::vector<std::string> config_strings(const nlohmann::json& root, const std::string& path) {
  const auto& j = config_at(root, path);
  std::vector<std::string> out;
  if (!j.is_array()) throw Error("configs/sounds '" + path + "' must be a list of strings");
  for (const auto& v : j) {
    if (!v.is_string()) throw Error("configs/sounds '" + path + "' must be a list of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::pair<double, double> config_range(const nlohmann::json& root, const std::string& path) {
  const auto& j = config_at(root, path);
  if (!j.is_array() || j.size() != 2 || !j[0].is_number() || !j[1].is_number())
    throw Error("configs/sounds '" + path + "' must be a range [lo, hi]");
  return {j[0].get<double>(), j[1].get<double>()};
}

}  // namespace gen::sounds
