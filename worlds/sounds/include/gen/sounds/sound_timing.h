// When a clip sounds, from its loudness envelope and spectral flux (configs/sounds/
// judges.json "envelope" and "tempo"): a judge's measurements, independent of any generator.
#pragma once
#include <optional>

#include <gen/audio/audio.h>
#include <gen/export.h>

namespace gen::sounds {

struct SoundTiming {
  bool audible = false;  // the clip's loudest 20 ms rise above the silence level
  double onset = 0;      // seconds to the first frame within threshold_db of the loudest
  double end = 0;        // seconds to the last such frame
  double duration() const { return end - onset; }
};

// RMS over `window` samples every `hop` (at 16 kHz; other rates scale), thresholded
// relative to the clip's peak frame.
GEN_API SoundTiming measure_timing(const gen::audio::Audio& clip);

// The tempo of a clip of repeated hits, in beats per minute: the autocorrelation of its
// spectral flux over lags in the configured bpm range; the shortest lag whose peak
// reaches peak_share of the highest wins (a beat's period, not the bar's). Nothing when
// the clip has no audible rhythm.
GEN_API std::optional<double> estimate_tempo(const gen::audio::Audio& clip);

}  // namespace gen::sounds
