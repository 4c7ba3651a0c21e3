// Where the embedded default model lives: $GEN_ASSETS_DIR when set (and only there),
// else the install prefix's share/gen/assets, else the source tree's assets/ (for runs
// from the build tree).
#include <cstdlib>

#include "image_ldm.h"

namespace image_ldm {

std::vector<std::filesystem::path> default_model_candidates() {
  std::vector<std::filesystem::path> roots;
  if (const char* env = std::getenv("GEN_ASSETS_DIR"); env && *env) {
    roots.emplace_back(env);
  } else {
    roots.emplace_back(GEN_ASSETS_INSTALL_DIR);
    roots.emplace_back(GEN_ASSETS_SOURCE_DIR);
  }
  for (auto& root : roots) root /= "default-image";
  return roots;
}

std::filesystem::path default_model_dir() {
  for (const auto& dir : default_model_candidates())
    if (std::filesystem::exists(dir / "model_index.json")) return dir;
  return {};
}

}  // namespace image_ldm
