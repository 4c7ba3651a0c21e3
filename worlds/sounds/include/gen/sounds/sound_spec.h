// What one clip of the sounds world is: its kind, source and timing, the ground truth
// every caption is written from and every judge is scored against.
#pragma once
#include <string>
#include <vector>

#include <gen/export.h>

namespace gen::sounds {

enum class SoundKind { note, tone, drum, beat, chirp, noise };

struct SoundSpec {
  SoundKind kind = SoundKind::note;
  // instrument (note), waveform (tone), drum name (drum; "kit" for a beat),
  // chirp direction ("rising"/"falling"), noise colour ("white"/"brown")
  std::string source;
  int midi = -1;          // -1 if unpitched
  double onset = 0;       // seconds from the clip's start to the first sound
  double duration = 0;    // seconds the sound is held (a note's key down, a burst's length)
  std::string loudness;   // "soft" or "loud"
  double tempo_bpm = 0;   // beats only
};

GEN_API std::string kind_name(SoundKind kind);
// A gen::InputError for an unknown name.
GEN_API SoundKind parse_kind(const std::string& name);
GEN_API bool is_pitched(SoundKind kind);

// The label a classifier learns: the instrument for notes, the waveform for tones,
// else the kind ("drum", "beat", "chirp", "noise").
GEN_API std::string sound_class(const SoundSpec& spec);
// Every label sound_class returns, in a fixed order (the classifier's outputs).
GEN_API const std::vector<std::string>& sound_classes();

}  // namespace gen::sounds
