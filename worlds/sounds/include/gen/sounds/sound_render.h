// Renders a spec to a mono clip: notes and drums through libfluidsynth and the GM
// soundfont (reverb and chorus off, one core, so the same spec gives the same samples),
// tones, chirps and noise synthesised here (band-limited: no harmonic above Nyquist).
#pragma once
#include <gen/audio/audio.h>
#include <gen/export.h>
#include <gen/sounds/sound_spec.h>

namespace gen::sounds {

// A [1, rate * clip_seconds] clip with silence before spec.onset. A gen::UsageError for
// a rate outside 8000..96000 Hz (fluidsynth's range) or a spec the world does not know;
// a gen::Error if the soundfont cannot be loaded.
GEN_API gen::audio::Audio render_sound(const SoundSpec& spec, int sample_rate, double clip_seconds);

}  // namespace gen::sounds
