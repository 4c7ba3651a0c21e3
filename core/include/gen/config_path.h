// Reading a configuration compiled into a library (a world's configs/<world>/*.json) by
// '/'-separated paths ("actions/walk/gait/fast/speed"). A missing or mistyped entry is a
// gen::Error naming the path: the embedded config and the code disagree, a bug that the
// tests exercising every entry catch.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <gen/export.h>

namespace gen {

// `name` ("configs/sounds/world.json") names the file in the error for malformed text.
GEN_API nlohmann::json parse_embedded_config(const char* text, const std::string& name);

GEN_API const nlohmann::json& config_at(const nlohmann::json& root, const std::string& path);
GEN_API double config_number(const nlohmann::json& root, const std::string& path);
GEN_API std::vector<std::string> config_strings(const nlohmann::json& root, const std::string& path);
// A [lo, hi] pair, or one number x as [x, x].
GEN_API std::pair<double, double> config_range(const nlohmann::json& root, const std::string& path);

}  // namespace gen
