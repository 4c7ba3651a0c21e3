// JSON files written by Python's json module (diffusers/transformers configs) may hold
// the non-standard literals NaN, Infinity and -Infinity; these readers accept them as
// the strings "NaN", "Infinity", "-Infinity" (json_number() turns them back into doubles).
#pragma once
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include <gen/export.h>

namespace gen {

// Throws nlohmann::json::parse_error on malformed text.
GEN_API nlohmann::json parse_python_json(const std::string& text);
// Throws InputError naming the file (and `what` it is) when missing or malformed.
GEN_API nlohmann::json read_json_file(const std::filesystem::path& path, const std::string& what);
// A number, or one of the strings above, as a double; throws UsageError otherwise.
GEN_API double json_number(const nlohmann::json& value, const std::string& key);

}  // namespace gen
