#include <gen/assets.h>

#include <cstdlib>

namespace gen {

std::vector<std::filesystem::path> asset_candidates(const std::string& name) {
  std::vector<std::filesystem::path> roots;
  if (const char* env = std::getenv("GEN_ASSETS_DIR"); env && *env) {
    roots.emplace_back(env);
  } else {
    roots.emplace_back(GEN_ASSETS_INSTALL_DIR);
    roots.emplace_back(GEN_ASSETS_SOURCE_DIR);
  }
  for (auto& root : roots) root /= name;
  return roots;
}

std::filesystem::path find_asset(const std::string& name, const std::string& marker) {
  std::error_code ec;
  for (const auto& dir : asset_candidates(name))
    if (std::filesystem::exists(dir / marker, ec)) return dir;
  return {};
}

std::string asset_places(const std::string& name) {
  std::string places;
  for (const auto& dir : asset_candidates(name)) places += (places.empty() ? "" : ", ") + dir.string();
  return places;
}

}  // namespace gen
