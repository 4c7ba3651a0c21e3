#include "world_config.h"

namespace gen::solids {

extern const char* const kWorldJson;
extern const char* const kCaptionsJson;
extern const char* const kSplitsJson;

const nlohmann::json& world_config() {
  static const auto j = parse_embedded_config(kWorldJson, "configs/solids/world.json");
  return j;
}

const nlohmann::json& captions_config() {
  static const auto j = parse_embedded_config(kCaptionsJson, "configs/solids/captions.json");
  return j;
}

const nlohmann::json& splits_config() {
  static const auto j = parse_embedded_config(kSplitsJson, "configs/solids/splits.json");
  return j;
}

}  // namespace gen::solids
