// Captions of a spec in several phrasings (configs/sounds/captions.json).
#pragma once
#include <optional>
#include <string>
#include <utility>

#include <gen/export.h>
#include <gen/seeded_rng.h>
#include <gen/sounds/sound_spec.h>

namespace gen::sounds {

// "low" (octave 3), "middle" (4), "high" (5 and up), from configs/sounds/world.json.
GEN_API std::string register_word(int midi);

// The MIDI range [lowest, highest] of the register word ("low", "middle", "high") a
// caption uses as a word of its own; nullopt when it uses none.
GEN_API std::optional<std::pair<int, int>> caption_register(const std::string& caption);

// One phrasing drawn with rng: "a piano playing a C4 note", "an A3 note on the violin",
// "a drum beat at 120 bpm", ...; sometimes with a loudness or duration word.
GEN_API std::string sound_caption(const SoundSpec& spec, Rng& rng);

}  // namespace gen::sounds
