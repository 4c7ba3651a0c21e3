// Captions of a spec in several phrasings (configs/sounds/captions.json).
#pragma once
#include <string>

#include <gen/export.h>
#include <gen/seeded_rng.h>
#include <gen/sounds/sound_spec.h>

namespace gen::sounds {

// "low" (octave 3), "middle" (4), "high" (5 and up), from configs/sounds/world.json.
GEN_API std::string register_word(int midi);

// One phrasing drawn with rng: "a piano playing a C4 note", "an A3 note on the violin",
// "a drum beat at 120 bpm", ...; sometimes with a loudness or duration word.
GEN_API std::string sound_caption(const SoundSpec& spec, Rng& rng);

}  // namespace gen::sounds
