// The sounds world's configuration: configs/sounds/{world,captions,splits,judges}.json, compiled
// into the library, so every dataset is one fixed function of the seed for a build. Entries
// are read with core's config_at/config_number/config_strings/config_range (config_path.h).
#pragma once
#include <nlohmann/json.hpp>

#include <gen/config_path.h>

namespace gen::sounds {

const nlohmann::json& world_config();
const nlohmann::json& captions_config();
const nlohmann::json& splits_config();
const nlohmann::json& judges_config();  // the audio judges' front end, sizes and tolerances

}  // namespace gen::sounds
