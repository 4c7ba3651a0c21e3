// What a set of clips, one per spec, scores under the audio judges (sound_judges.h):
// the share of clips read as their spec says, measure by measure, with the tolerances of
// configs/sounds/judges.json, and the Fréchet distance to real clips in the classifier's
// embedding. Used by `gen eval audio` and by the judges' own validation on real renders.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <torch/types.h>

#include <gen/audio/audio.h>
#include <gen/export.h>
#include <gen/sounds/sound_judges.h>
#include <gen/sounds/sound_spec.h>

namespace gen::sounds {

// right of total; a measure no clip is subject to has total 0 (and no value).
struct GEN_API Share {
  int right = 0, total = 0;
  std::optional<double> value() const;
  void add(bool ok) { ++total, right += ok ? 1 : 0; }
};

struct GEN_API SoundScores {
  int clips = 0;
  Share sound_class;  // the classifier's class (instrument, waveform or kind), every clip
  Share source;       // the exact source (which drum, chirp direction, noise colour too)
  Share loudness;     // soft or loud, every clip
  // With captions, a pitched spec is held to what its caption asks: the note it names
  // (pitch, note) or the register word it uses (pitch_register); a caption naming neither
  // asks no pitch. Without captions every pitched spec is held to its note.
  Share pitch;        // YIN within pitch_semitones of the note
  Share note;         // within note_semitones (the right note)
  Share pitch_register;  // YIN within the register's notes (configs/sounds/world.json), pitch_semitones leeway
  Share onset;        // every spec: audible and the onset within onset_s
  Share duration;     // sustained sounds (judges.json "timed_sources"): within duration_s or duration_share
  Share tempo;        // beats: within tempo_share
  std::optional<double> fd;  // to the reference embeddings, when given
  struct Miss {
    int index;
    std::string truth, read;  // "piano C4 loud", "guitar C#4 soft"
  };
  std::vector<Miss> misses;  // clips whose class, pitch or loudness was read wrong
  nlohmann::json to_json() const;
};

// Scores clips[i] made for truth[i]; `reference` ([M >= 2, D] embeddings of real clips)
// adds the Fréchet distance; `captions` (one per spec, or none) say which pitch each clip
// was asked for. A gen::UsageError when the sizes do not match.
GEN_API SoundScores score_sounds(const SoundJudges& judges, const std::vector<SoundSpec>& truth,
                                 const std::vector<gen::audio::Audio>& clips, const torch::Tensor& reference = {},
                                 const std::vector<std::string>& captions = {});

// "piano C4 loud", "kit 120 bpm soft", "rising soft": a spec as the misses list shows it.
GEN_API std::string describe_spec(const SoundSpec& spec);

}  // namespace gen::sounds
