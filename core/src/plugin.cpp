#include <gen/plugin.h>

#include <gen/error.h>

namespace gen {

namespace {
constexpr const char* kModalityNames[] = {"image", "video", "audio", "3d", "motion"};
}

const char* modality_name(Modality m) { return kModalityNames[static_cast<int>(m)]; }

Modality parse_modality(const std::string& name) {
  for (int i = 0; i < 5; ++i)
    if (name == kModalityNames[i]) return static_cast<Modality>(i);
  throw UsageError("unknown modality '" + name + "' (expected image, video, audio, 3d or motion)");
}

void Plugin::train(const TrainRequest&, const ProgressCallback&) {
  throw UsageError("plugin '" + info().name + "' cannot train models");
}

}  // namespace gen
