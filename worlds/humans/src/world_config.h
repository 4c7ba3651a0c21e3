// The humans world's configuration: configs/humans/{actions,captions,splits}.json,
// compiled into the library (embedded_configs.cpp.in), so the world — and every
// dataset it writes — is one fixed function of the seed for a given build.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include <gen/config_path.h>
#include <gen/seeded_rng.h>

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

// Entries are read with core's config_path.h ("actions/walk/gait/fast/speed"); a range
// here is also checked to be ordered.
Range config_range(const nlohmann::json& root, const std::string& path);

// Shorthands for actions_config(): "actions/<action>/<key>" and "style/<key>".
Range action_range(const std::string& action, const std::string& key);
double action_number(const std::string& action, const std::string& key);
Range style_range(const std::string& key);

}  // namespace gen::humans
