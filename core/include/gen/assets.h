// Where the embedded default models live: $GEN_ASSETS_DIR when set (and only there),
// else the install prefix's share/gen/assets, else the source tree's assets/ (for runs
// from the build tree). Each plugin's default model is one folder there.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <gen/export.h>

namespace gen {

// The places `name` (e.g. "default-image") is looked for, in order.
GEN_API std::vector<std::filesystem::path> asset_candidates(const std::string& name);
// The first candidate holding `marker` (a file inside the folder), or empty.
GEN_API std::filesystem::path find_asset(const std::string& name, const std::string& marker);
// "a, b, c": the candidates, for the error when an asset is missing.
GEN_API std::string asset_places(const std::string& name);

}  // namespace gen
