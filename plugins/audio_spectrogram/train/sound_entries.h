// The lines of a `gen data audio` folder's sounds.jsonl as the training stages read them:
// {"file": a WAV relative to the folder, "caption", "split": "train" | "heldout"}; other
// fields are ignored. The text is treated as hostile: anything malformed is one
// gen::InputError naming the file and line (fuzz/training_sounds_jsonl_fuzz.cpp).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace audio_spectrogram {

struct SoundEntry {
  std::string file, caption;
};

// The entries of `split` in `text` (the file's content; `name` appears in errors). A file
// escaping the folder (absolute, a root name, a ".." part) is refused.
std::vector<SoundEntry> parse_sound_entries(std::string_view text, const std::string& name, const std::string& split);

}  // namespace audio_spectrogram
