// Reads a shapes-in-motion clip back from its pixels, without any learned model: every
// frame goes through the still analyser (shape_analysis.h), the largest object is
// followed across frames, and its track says which motion it makes. The verdict on a
// generated clip then means something because the same reading is proven on the
// dataset's own clips, sharp and degraded (tests/unit/test_motion_analysis.cpp).
//
// How the motion is read (coordinates are fractions of the frame side, time runs 0..1
// over the clip; docs/video.md has the reasons for each threshold):
//   appearing  the object is absent or faint (< 50% of its peak contrast against the
//              background) in the first frame and solid (>= 80%) over the last quarter
//   bouncing   the track falls >= 0.15 to a lowest point and rises >= 0.08 after it
//   left/right/up/down  the Theil-Sen fit of the centroid moves >= 0.15, along one
//              axis at least twice as much as along the other
//   growing/shrinking   the Theil-Sen fit of log(area) changes the area by >= 1.6x
//   none       no object, or it moves < 0.05 and changes area < 1.25x; otherwise "unclear"
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <torch/types.h>

#include <gen/export.h>
#include <gen/shapes/motion_clips.h>
#include <gen/shapes/shape_analysis.h>
#include <gen/video/video.h>

namespace gen::shapes {

struct ClipAnalysis {
  std::vector<SceneAnalysis> frames;  // what the still analyser read in each frame
  std::string motion;                 // one of motion_names(), "none" or "unclear"
  // The track of each frame's largest object, robust to single misread frames.
  double dx = 0, dy = 0;    // displacement of the fitted centroid line from t = 0 to 1
  double area_ratio = 1;    // area at t = 1 / area at t = 0, of the fitted log-area line
  double fall = 0, rebound = 0;  // the largest fall to a lowest point, and the rise after it
  double first_contrast = 0;     // contrast in the first frame / peak contrast (0 = absent)
  double visible = 0;            // share of frames with an object
  // Temporal consistency: the readings most frames agree on, the share of frames that
  // agree (colour+shape over frames where the object is solid, count over frames with
  // an object, background over all), and whether that share is at least 90%.
  std::string color, shape;
  int count = 0;
  double agreement = 0;
  bool consistent = false;
  // Mean absolute change between consecutive frames, in 0..255 levels: of the pixels no
  // object covers in any frame (flicker: a still background scores 0), and of all pixels.
  double flicker = 0, change = 0;
};

// Throws UsageError for a clip that is not RGB [F, H, W, 3] with F >= 2.
GEN_API ClipAnalysis analyse_clip(const video::Video& clip);

struct ClipAdherence {
  // Shares of the judged frames: all of them, but for "appearing" only the last
  // quarter (a fading-in object is allowed to be faint or absent before).
  double color = 0, shape = 0, color_and_shape = 0, background = 0;
  bool motion = false;      // the motion read is the one wanted
  bool consistent = false;  // the analysis found the clip consistent
};

GEN_API ClipAdherence check_clip_adherence(const ClipAnalysis& found, const ShapeClip& wanted);

// The fixed feature space the distribution distance between clip sets is measured in:
// 18 hand-defined numbers per clip, each of order 1 — background and object colour
// (RGB / 255, over frames), dx, dy, log area ratio, fall, rebound, first contrast,
// visible share, mean object size (sqrt of area), mean object count / 3, agreement,
// change / 32 and flicker / 32. float64 [18].
GEN_API torch::Tensor clip_features(const ClipAnalysis& analysis);
constexpr int kClipFeatures = 18;

// Fréchet distance (clip_scorer.h) between the clip_features of two sets of analyses.
GEN_API double clip_frechet_distance(const std::vector<ClipAnalysis>& a, const std::vector<ClipAnalysis>& b);

// The analysis as JSON: the motion and track numbers, consistency, and per frame the
// background and objects read.
GEN_API nlohmann::json to_json(const ClipAnalysis& analysis);

}  // namespace gen::shapes
