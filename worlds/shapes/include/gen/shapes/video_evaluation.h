// Prompt adherence of a video model on the shapes world in motion (`gen eval video`):
// the captions of a motion dataset split (phrasing 0) are generated through the
// generation host once per sampler and step count, and each set of clips is judged by
// the clip analyser (motion_analysis.h) — per-frame colour and shape, motion, temporal
// consistency, flicker — and by the Fréchet distance to real clips in the analyser's
// fixed feature space. Any plugin of the video modality can be evaluated.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <gen/export.h>
#include <gen/registry.h>
#include <gen/shapes/motion_analysis.h>
#include <gen/shapes/motion_clips.h>
#include <gen/video/video.h>

namespace gen::shapes {

struct VideoEvaluationSettings {
  std::string model;                 // "" = the video modality's default model
  std::filesystem::path data;        // a folder written by write_motion_dataset
  std::vector<std::string> splits{"train", "heldout"};
  std::vector<std::string> samplers{"ddim", "euler", "dpmpp_2m"};
  std::vector<int> steps{25};
  int count = 50;                    // clips per split: the split's first `count`
  double cfg_scale = 5.0;            // passed only to plugins that read cfg-scale
  int frames = 0;                    // frames per generated clip; 0 = the dataset's
  int64_t seed = 0;                  // clip i is generated with seed + i
  bool baselines = false;            // also score the real clips: the ceiling for a model
  bool generate = true;              // false: score only the real clips and load no model
  std::filesystem::path save_clips;  // write every scored clip here as .gif; empty = nowhere
  std::map<std::string, std::string> options;  // the plugin's -O options, on every request
};

struct VideoEvalCase {
  ShapeClip clip;
  std::string prompt;  // caption_clip(clip, 0)
  video::Video real;   // the dataset's frames of the clip
};

// The first n clips of a dataset split. UsageError when n is not in 1..N.
GEN_API std::vector<VideoEvalCase> video_eval_cases(const std::filesystem::path& data_dir, const std::string& split,
                                                    int n);

struct ClipVerdict {
  std::string prompt;
  ClipAdherence check;
  ClipAnalysis found;
};

// Means over the clips: per-frame shares (colour, shape, colour+shape, background),
// the share of clips whose motion was read as the prompt's and that were consistent,
// mean flicker and frame change (levels), and the Fréchet distance of their features to
// the reference clips' (clip_features; absent for fewer than 2 clips).
struct GEN_API VideoAdherenceReport {
  int clips = 0;
  double color = 0, shape = 0, color_and_shape = 0, background = 0;
  double motion = 0, consistent = 0;
  double flicker = 0, change = 0;
  std::optional<double> frechet;
  std::vector<ClipVerdict> verdicts;  // one per clip, in order
  // The numbers, and under "failures" every clip that missed its motion, was
  // inconsistent or got colour+shape wrong in some frame, with what was read.
  nlohmann::json to_json() const;
};

// `generated[i]` was made from `cases[i].prompt`; `reference` are analyses of real clips.
GEN_API VideoAdherenceReport score_clips(const std::vector<video::Video>& generated,
                                         const std::vector<VideoEvalCase>& cases,
                                         const std::vector<ClipAnalysis>& reference);

// One split x sampler x step count; the baseline is sampler "real clips", steps 0, whose
// Fréchet distance is between two independent sets of real clips (the sampling floor).
struct GEN_API VideoEvaluationRow {
  std::string split;
  std::string sampler;
  int steps = 0;
  VideoAdherenceReport result;
  nlohmann::json to_json() const;  // the report's fields plus split, sampler, steps
};

struct GEN_API VideoEvaluationReport {
  std::string model;   // as resolved by the registry; "" when no model was loaded
  std::string plugin;
  double cfg_scale = 0;
  std::map<std::string, std::string> options;
  int count = 0;
  int frames = 0;
  int64_t seed = 0;
  std::vector<VideoEvaluationRow> rows;
  nlohmann::json to_json() const;  // {model, plugin, cfg_scale, options, count, frames, seed, runs: [row...]}
};

// Throws UsageError for a bad count or split, InputError for an unreadable dataset,
// ModelError when no plugin provides the model. `on_row` sees every row as soon as it is
// scored.
GEN_API VideoEvaluationReport evaluate_video_adherence(const PluginRegistry& registry,
                                                       const VideoEvaluationSettings& settings,
                                                       const std::function<void(const VideoEvaluationRow&)>& on_row = {});

}  // namespace gen::shapes
