// The humans world's configuration: configs/humans/{actions,captions,splits}.json,
// compiled into the library (embedded_configs.cpp.in), so the world — and every
// dataset it writes — is one fixed function of the seed for a given build.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rng.h"

namespace gen::humans {

const nlohmann::json& actions_config();
const nlohmann::json& captions_config();
const nlohmann::json& splits_config();

// A uniform range [lo, hi] from the config.
struct Range {
  double lo = 0, hi = 0;
  double draw(Rng& rng) const { return rng.uniform(lo, hi); }
  double mid() const { return 0.5 * (lo + hi); }
};

// The entry at a '/'-separated path ("actions/walk/gait/fast/speed"). A missing or
// mistyped entry is a gen::Error naming the path: the embedded config and the code
// disagree, a bug caught by the tests that animate every action.
const nlohmann::json& config_at(const nlohmann::json& root, const std::string& path);
Range config_range(const nlohmann::json& root, const std::string& path);
double config_number(const nlohmann::json& root, const std::string& path);
std::vector<std::string> config_strings(const nlohmann::json& root, const std::string& path);

// Shorthands for actions_config(): "actions/<action>/<key>" and "style/<key>".
Range action_range(const std::string& action, const std::string& key);
double action_number(const std::string& action, const std::string& key);
Range style_range(const std::string& key);

}  // namespace gen::humans
