// The real motions judges learn from (internal to gen_humans): every motion of a
// dataset's splits as judge features, its action labels, its captions, and which
// motions share a spec (in a contrastive batch they are not each other's negatives).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

#include <gen/humans/judge_features.h>

namespace gen::humans {

struct JudgeTrainingSet {
  std::vector<torch::Tensor> features;            // float [T_i, kJudgeFeatures] per motion
  torch::Tensor labels;                           // int64 [N, kActionSlots, kLabelHeads]
  std::vector<std::vector<std::string>> captions; // every phrasing of each motion
  std::vector<int64_t> spec_ids;                  // equal ids: equal specs
  torch::Tensor feature_mean, feature_std;        // over every frame of every motion

  int64_t size() const { return static_cast<int64_t>(features.size()); }
  // The motions `rows` as a padded batch (judge_batch) with their labels.
  JudgeBatch batch(const std::vector<int64_t>& rows) const;
};

// Both splits of a `gen data motion` folder (an empty split is skipped).
JudgeTrainingSet load_judge_training_set(const std::filesystem::path& data);

}  // namespace gen::humans
