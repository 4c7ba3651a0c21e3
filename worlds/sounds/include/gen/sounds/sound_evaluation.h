// Text-to-audio evaluation of any audio model on the sounds world (`gen eval audio`):
// the first captions of a dataset split are generated through the generation host once
// per sampler and step count, at the dataset's clip length, and every clip is read by
// the world's judges (sound_judges.h), which never saw a generator: class, source,
// loudness, pitch (YIN), onset, duration and tempo against the caption's truth, and the
// Fréchet distance to the split's other real clips in the judges' embedding. Each split
// also gets the row of its real clips (what a perfect model would make) as the reference,
// and, when the plugin can resynthesise (-O resynthesize), the vocoder's own quality: the
// judges' log-mel distance between real clips and their resynthesis by the model's
// HiFi-GAN and by Griffin-Lim.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <gen/export.h>
#include <gen/progress.h>
#include <gen/registry.h>
#include <gen/sounds/sound_scores.h>

namespace gen::sounds {

struct SoundEvaluationSettings {
  std::string model;                      // "" = the audio modality's default model
  std::filesystem::path data;             // a `gen data audio` folder
  std::filesystem::path judges;           // a judge folder; empty = the shipped judges
  std::vector<std::string> splits{"train", "heldout"};
  std::vector<std::string> samplers{""};  // "" = the model's default
  std::vector<int> steps{0};              // 0 = the model's default
  int count = 64;                         // captions per split: the split's first `count`
  double cfg_scale = -1;                  // < 0 = the model's default
  int64_t seed = 0;                       // caption i with seed + i
  int vocoder_clips = 16;                 // real clips resynthesised (0: not measured)
  bool baselines = false;                 // also rows of silence and of mismatched real clips
  bool generate = true;                   // false: only the reference rows; no model is loaded
};

// One split x source: sampler "real clips", "silence" or "mismatched real" (steps 0) for
// the reference and baseline rows, "resynthesised (VOCODER)" (steps 0) for the first
// --vocoder-clips real clips of the first split through the model's mel front end and
// that vocoder, else the sampler and steps the model ran.
struct GEN_API SoundEvaluationRow {
  std::string split;
  std::string sampler;
  int steps = 0;
  double seconds_per_clip = 0;  // generation wall time (0 for reference rows)
  SoundScores scores;
  nlohmann::json to_json() const;
};

// The vocoder's resynthesis of real clips: the mean absolute difference of the judges'
// log-mels (natural log), per vocoder.
struct GEN_API VocoderQuality {
  int clips = 0;
  std::optional<double> hifigan, griffin_lim;
  nlohmann::json to_json() const;
};

struct GEN_API SoundEvaluationReport {
  std::string model, plugin, judges;
  double cfg_scale = -1;
  int count = 0;
  int64_t seed = 0;
  std::vector<SoundEvaluationRow> rows;
  std::optional<VocoderQuality> vocoder;
  nlohmann::json to_json() const;
};

// Throws UsageError for bad counts or splits, InputError for an unreadable dataset or
// judge folder, ModelError when no plugin provides the model or it returns something
// that is not audio. `on_row` sees every row as soon as it is scored; `progress` counts
// the clips made for a row and may stop the evaluation (gen::Cancelled).
GEN_API SoundEvaluationReport evaluate_audio_model(const PluginRegistry& registry, const SoundEvaluationSettings& settings,
                                                   const std::function<void(const SoundEvaluationRow&)>& on_row = {},
                                                   const ProgressCallback& progress = {});

}  // namespace gen::sounds
