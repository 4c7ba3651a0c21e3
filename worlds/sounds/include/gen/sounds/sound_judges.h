// The sounds world's audio judges, independent of any generator: a source/loudness
// classifier with a fixed embedding (a small CNN on the judges' own log-mels, trained
// only on real renders: sound_judge_training.h), YIN for pitch (pitch_estimator.h) and
// the loudness envelope and spectral flux for timing and tempo (sound_timing.h).
// A judge folder holds
//   judges.safetensors  the classifier's weights, F16 (with feature_mean, feature_std)
//   config.json         {"architecture": {...}, "training": {...}, "validation": [...]}:
//                       how the classifier was trained and how well the judges read
//                       fresh real renders of both splits
// `gen eval audio` uses assets/judge-audio unless told otherwise.
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <torch/types.h>

#include <gen/audio/audio.h>
#include <gen/export.h>
#include <gen/sounds/sound_timing.h>

namespace gen::sounds {

// What the judges hear in one clip.
struct SoundReading {
  std::string source;              // classifier: "piano", "sine", "kick", "kit", "rising", "white", ...
  std::string kind;                // that source's kind: "note", "tone", "drum", "beat", "chirp", "noise"
  std::string sound_class;         // sound_class() of that reading
  std::string loudness;            // "soft" or "loud"
  std::optional<double> midi;      // YIN, when the clip is periodic
  SoundTiming timing;
  std::optional<double> tempo_bpm; // spectral-flux autocorrelation, when rhythmic
};

class GEN_API SoundJudges {
 public:
  // A judge folder; a missing or malformed file, or weights that do not fit the
  // configuration, is one gen::InputError naming the file.
  static SoundJudges load(const std::filesystem::path& dir);
  // The shipped judges (gen::find_asset("judge-audio")); gen::InputError listing the
  // places looked at when absent.
  static SoundJudges load_default();

  // Clips at any rate and channel count; a gen::InputError for non-finite samples.
  std::vector<SoundReading> read(const std::vector<gen::audio::Audio>& clips) const;
  // The classifier's embeddings [N, D] (the Fréchet distance's space).
  torch::Tensor embed(const std::vector<gen::audio::Audio>& clips) const;

  const nlohmann::json& config() const;
  const std::filesystem::path& folder() const;

 private:
  struct State;
  explicit SoundJudges(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace gen::sounds
