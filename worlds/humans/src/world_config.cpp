#include "world_config.h"

#include <gen/error.h>

namespace gen::humans {

extern const char* const kActionsJson;
extern const char* const kCaptionsJson;
extern const char* const kSplitsJson;

const nlohmann::json& actions_config() {
  static const auto j = parse_embedded_config(kActionsJson, "configs/humans/actions.json");
  return j;
}

const nlohmann::json& captions_config() {
  static const auto j = parse_embedded_config(kCaptionsJson, "configs/humans/captions.json");
  return j;
}

const nlohmann::json& splits_config() {
  static const auto j = parse_embedded_config(kSplitsJson, "configs/humans/splits.json");
  return j;
}

Range config_range(const nlohmann::json& root, const std::string& path) {
  const auto [lo, hi] = gen::config_range(root, path);
  if (lo > hi) throw Error("configs/humans '" + path + "' must be a range [lo, hi] with lo <= hi");
  return {lo, hi};
}

Range action_range(const std::string& action, const std::string& key) {
  return config_range(actions_config(), "actions/" + action + "/" + key);
}

double action_number(const std::string& action, const std::string& key) {
  return config_number(actions_config(), "actions/" + action + "/" + key);
}

Range style_range(const std::string& key) { return config_range(actions_config(), "style/" + key); }

}  // namespace gen::humans
