#include "world_config.h"

#include <gen/error.h>

namespace gen::humans {

extern const char* const kActionsJson;
extern const char* const kCaptionsJson;
extern const char* const kSplitsJson;

namespace {

nlohmann::json parse_embedded(const char* text, const char* name) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("the embedded configs/humans/") + name + " is not JSON: " + e.what());
  }
}

}  // namespace

const nlohmann::json& actions_config() {
  static const auto j = parse_embedded(kActionsJson, "actions.json");
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

const nlohmann::json& config_at(const nlohmann::json& root, const std::string& path) {
  const nlohmann::json* node = &root;
  size_t begin = 0;
  while (begin <= path.size()) {
    const size_t end = std::min(path.find('/', begin), path.size());
    const auto key = path.substr(begin, end - begin);
    if (!node->is_object() || !node->contains(key)) throw Error("configs/humans has no entry '" + path + "'");
    node = &(*node)[key];
    begin = end + 1;
  }
  return *node;
}

Range config_range(const nlohmann::json& root, const std::string& path) {
  const auto& j = config_at(root, path);
  if (j.is_number()) return {j.get<double>(), j.get<double>()};
  if (!j.is_array() || j.size() != 2 || !j[0].is_number() || !j[1].is_number() || j[0].get<double>() > j[1].get<double>())
    throw Error("configs/humans '" + path + "' must be a range [lo, hi]");
  return {j[0].get<double>(), j[1].get<double>()};
}

double config_number(const nlohmann::json& root, const std::string& path) {
  const auto& j = config_at(root, path);
  if (!j.is_number()) throw Error("configs/humans '" + path + "' must be a number");
  return j.get<double>();
}

std::vector<std::string> config_strings(const nlohmann::json& root, const std::string& path) {
  const auto& j = config_at(root, path);
  std::vector<std::string> out;
  if (!j.is_array()) throw Error("configs/humans '" + path + "' must be a list of strings");
  for (const auto& v : j) {
    if (!v.is_string()) throw Error("configs/humans '" + path + "' must be a list of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

Range action_range(const std::string& action, const std::string& key) {
  return config_range(actions_config(), "actions/" + action + "/" + key);
}

double action_number(const std::string& action, const std::string& key) {
  return config_number(actions_config(), "actions/" + action + "/" + key);
}

Range style_range(const std::string& key) { return config_range(actions_config(), "style/" + key); }

}  // namespace gen::humans
