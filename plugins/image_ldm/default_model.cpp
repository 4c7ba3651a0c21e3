// The embedded default model: assets/default-image (gen/assets.h says where that is).
#include <gen/assets.h>

#include "image_ldm.h"

namespace image_ldm {

std::vector<std::filesystem::path> default_model_candidates() { return gen::asset_candidates("default-image"); }

std::filesystem::path default_model_dir() { return gen::find_asset("default-image", "model_index.json"); }

}  // namespace image_ldm
