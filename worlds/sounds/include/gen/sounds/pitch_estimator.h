// The pitch a clip sounds at, by YIN (de Cheveigné and Kawahara 2002): per frame, the
// cumulative-mean-normalised difference function, its first dip below a threshold (so a
// period's multiples do not win), refined by a parabola; the clip's pitch is the median
// over the frames loud enough to matter. A judge's instrument, independent of any
// generator: it knows only the waveform (configs/sounds/judges.json "pitch").
#pragma once
#include <optional>

#include <gen/audio/audio.h>
#include <gen/export.h>

namespace gen::sounds {

struct PitchEstimate {
  double hz = 0;
  double midi = 0;        // fractional MIDI number (69 = A4 = 440 Hz)
  int voiced_frames = 0;  // frames that agreed on a period
};

// The pitch of a mono (or mixed-down) clip at any rate, or nothing when no loud frame is
// periodic (noise, drums, silence).
GEN_API std::optional<PitchEstimate> estimate_pitch(const gen::audio::Audio& clip);

}  // namespace gen::sounds
