// The sounds world's configuration: configs/sounds/{world,captions,splits,judges}.json, compiled
// into the library, so every dataset is one fixed function of the seed for a build.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gen::sounds {

const nlohmann::json& world_config();
const nlohmann::json& captions_config();
const nlohmann::json& splits_config();
const nlohmann::json& judges_config();  // the audio judges' front end, sizes and tolerances

// The entry at a '/'-separated path; a gen::Error naming the path if it is missing
// (the embedded config and the code disagree: a bug the tests catch).
const nlohmann::json& config_at(const nlohmann::json& root, const std::string& path);
double config_number(const nlohmann::json& root, const std::string& path);
std::vector<std::string> config_strings(const nlohmann::json& root, const std::string& path);
// A [lo, hi] pair.
std::pair<double, double> config_range(const nlohmann::json& root, const std::string& path);

}  // namespace gen::sounds
