// The humans world's motions as MDM trains on them: HumanML3D features per clip (from
// the dataset's joint positions), the statistics' rows, padding and captions.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <gen/humans/animator.h>
#include <gen/motion/feature_normalizer.h>
#include <gen/progress.h>

#include "mdm_task.h"

namespace motion_mdm {

struct RawClips {
  std::vector<torch::Tensor> features;             // per clip [frames - 1, 263], not normalized
  torch::Tensor raw_rows;                          // every clip's rows stacked [sum, 263] (for the statistics)
  std::vector<std::vector<std::string>> captions;  // every phrasing of each clip
  std::vector<std::vector<gen::humans::ActionSpan>> spans;  // each clip's actions, in order
};

// Reads split "train" or "heldout" of a `gen data motion` folder; max_clips 0 = all.
RawClips load_training_clips(const std::filesystem::path& dir, const std::string& split, int64_t max_clips,
                             const gen::ProgressCallback& progress);
// [frames] float: 1 on the feature frames of a clip's second and later actions, 0 on the
// first action's and on the idle frames around them.
torch::Tensor later_action_frames(const std::vector<gen::humans::ActionSpan>& spans, int64_t frames);
// [frames, actions]: how much each feature frame belongs to each action — 1 inside its
// span, the idle frames before the first and after the last to those, and each handover
// blended linearly over the gap between two spans or `handover` frames centred on their
// boundary, whichever is longer (0: a hard switch where they touch). Rows sum to 1.
torch::Tensor span_weights(const std::vector<gen::humans::ActionSpan>& spans, int64_t frames, double handover = 0);
// Normalized and padded to the longest clip: [N, 263, F].
FeatureClips normalize_clips(const RawClips& clips, const gen::motion::FeatureNormalizer& normalizer);
// The distinct words of the captions (lowercase), for the tokenizer's vocabulary.
std::vector<std::string> caption_words(const std::vector<std::vector<std::string>>& captions);

}  // namespace motion_mdm
