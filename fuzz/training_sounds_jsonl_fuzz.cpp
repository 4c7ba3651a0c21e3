// libFuzzer target for the audio training stages' own sounds.jsonl reader
// (plugins/audio_spectrogram/train/sound_entries.h, parse_sound_entries): any text, read
// for either split, must give entries of that split whose files stay inside the dataset
// folder, or one gen::InputError. A crash, a sanitizer report, a hang, any other
// exception, or an accepted entry that escapes the folder is a bug.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include <gen/error.h>

#include "sound_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const char* split : {"train", "heldout"}) {
    try {
      for (const auto& e : audio_spectrogram::parse_sound_entries(text, "fuzz", split)) {
        const std::filesystem::path p(e.file);
        if (e.file.empty() || p.is_absolute() || p.has_root_name()) std::abort();
        for (const auto& part : p)
          if (part == "..") std::abort();
      }
    } catch (const gen::InputError&) {
      // rejected cleanly: the expected outcome for most inputs
    }
  }
  return 0;
}
