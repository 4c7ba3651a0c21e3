#include "world_config.h"

namespace gen::sounds {

extern const char* const kWorldJson;
extern const char* const kCaptionsJson;
extern const char* const kSplitsJson;
extern const char* const kJudgesJson;

const nlohmann::json& world_config() {
  static const auto j = parse_embedded_config(kWorldJson, "configs/sounds/world.json");
  return j;
}

const nlohmann::json& captions_config() {
  static const auto j = parse_embedded_config(kCaptionsJson, "configs/sounds/captions.json");
  return j;
}

const nlohmann::json& splits_config() {
  static const auto j = parse_embedded_config(kSplitsJson, "configs/sounds/splits.json");
  return j;
}

const nlohmann::json& judges_config() {
  static const auto j = parse_embedded_config(kJudgesJson, "configs/sounds/judges.json");
  return j;
}

}  // namespace gen::sounds
