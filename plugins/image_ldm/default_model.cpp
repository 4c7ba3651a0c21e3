// Where the embedded default model lives: $GEN_ASSETS_DIR, the install prefix's
// share/gen/assets, or the source tree's assets/ (build-tree runs), first found wins.
#include <cstdlib>

#include "image_ldm.h"

namespace image_ldm {

std::filesystem::path default_model_dir() {
  std::vector<std::filesystem::path> roots;
  if (const char* env = std::getenv("GEN_ASSETS_DIR"); env && *env) roots.emplace_back(env);
  roots.emplace_back(GEN_ASSETS_INSTALL_DIR);
  roots.emplace_back(GEN_ASSETS_SOURCE_DIR);
  for (const auto& root : roots)
    if (std::filesystem::exists(root / "default-image" / "model_index.json")) return root / "default-image";
  return {};
}

}  // namespace image_ldm
