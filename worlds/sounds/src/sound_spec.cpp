#include <gen/sounds/sound_spec.h>

#include <gen/error.h>

#include "world_config.h"

namespace gen::sounds {

namespace {
const char* const kKindNames[] = {"note", "tone", "drum", "beat", "chirp", "noise"};
}

std::string kind_name(SoundKind kind) { return kKindNames[static_cast<int>(kind)]; }

SoundKind parse_kind(const std::string& name) {
  for (int i = 0; i < 6; ++i)
    if (name == kKindNames[i]) return static_cast<SoundKind>(i);
  throw InputError("unknown sound kind '" + name + "' (note, tone, drum, beat, chirp, noise)");
}

bool is_pitched(SoundKind kind) { return kind == SoundKind::note || kind == SoundKind::tone; }

std::string sound_class(const SoundSpec& spec) { return is_pitched(spec.kind) ? spec.source : kind_name(spec.kind); }

const std::vector<std::string>& sound_classes() {
  static const std::vector<std::string> classes = [] {
    std::vector<std::string> out;
    for (const auto& [name, program] : world_config()["instruments"].items()) out.push_back(name);
    for (const auto& w : config_strings(world_config(), "waveforms")) out.push_back(w);
    for (const char* k : {"drum", "beat", "chirp", "noise"}) out.push_back(k);
    return out;
  }();
  return classes;
}

}  // namespace gen::sounds
