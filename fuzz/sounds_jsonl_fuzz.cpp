// libFuzzer target for the sounds dataset's sounds.jsonl line reader
// (gen/sounds/sound_dataset.h, parse_sound_clip): any text must either parse into a clip
// whose file stays inside the dataset and whose numbers are in range, or be rejected with
// one gen::InputError. A crash, a sanitizer report, a hang, any other exception, or an
// accepted clip that breaks one of those promises is a bug.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gen/error.h>
#include <gen/sounds/sound_dataset.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto c = gen::sounds::parse_sound_clip(std::string(reinterpret_cast<const char*>(data), size));
    if (c.file.empty() || std::filesystem::path(c.file).is_absolute() || c.file.find("..") != std::string::npos)
      std::abort();
    if (c.split != "train" && c.split != "heldout") std::abort();
    if (c.spec.midi < -1 || c.spec.midi > 127) std::abort();
    if (!(c.spec.onset >= 0) || !(c.spec.duration >= 0) || !std::isfinite(c.spec.onset + c.spec.duration)) std::abort();
    if (!(c.spec.tempo_bpm >= 0 && c.spec.tempo_bpm <= 1000)) std::abort();
  } catch (const gen::InputError&) {
    // rejected cleanly: the expected outcome for most inputs
  }
  return 0;
}
