// The solids world's configuration: configs/solids/{world,captions,splits}.json, compiled
// into the library, so every dataset is one fixed function of the seed for a build.
#pragma once
#include <nlohmann/json.hpp>

#include <gen/config_path.h>

namespace gen::solids {

const nlohmann::json& world_config();
const nlohmann::json& captions_config();
const nlohmann::json& splits_config();

}  // namespace gen::solids
