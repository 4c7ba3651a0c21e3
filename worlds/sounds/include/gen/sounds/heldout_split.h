// The held-out split: [source, octave] pairs (configs/sounds/splits.json) that never
// appear in training, while each source and each octave still does with other partners.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include <gen/export.h>
#include <gen/seeded_rng.h>
#include <gen/sounds/sound_spec.h>

namespace gen::sounds {

enum class Split { train, heldout };

GEN_API std::string split_name(Split split);

// The held-out [source, octave] pairs.
GEN_API const std::vector<std::pair<std::string, int>>& heldout_pairs();

// Whether a spec is one of the held-out combinations (only pitched kinds can be).
GEN_API bool is_heldout(const SoundSpec& spec);

// A random spec of the split: training specs are never held out; held-out specs are
// always one of the held-out pairs with a random pitch in that octave.
GEN_API SoundSpec sample_sound_spec(Rng& rng, Split split);

}  // namespace gen::sounds
