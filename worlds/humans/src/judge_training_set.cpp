#include "judge_training_set.h"

#include <map>

#include <gen/error.h>
#include <gen/humans/action_labels.h>
#include <gen/humans/labelled_motion.h>
#include <gen/humans/motion_dataset.h>

namespace gen::humans {

namespace {

constexpr double kMinStd = 1e-2;  // a feature nearly constant in the data is not blown up

void add_split(JudgeTrainingSet& set, const std::filesystem::path& data, const std::string& split,
               std::vector<torch::Tensor>& labels, std::map<std::string, int64_t>& specs) {
  const auto dataset = load_motion_dataset(data, split);
  for (auto& m : dataset_motions(dataset, 0, static_cast<int64_t>(dataset.records.size()))) {
    set.features.push_back(judge_features(m.motion));
    labels.push_back(encode_action_labels(m.spec));
    set.captions.push_back(std::move(m.captions));
    set.spec_ids.push_back(specs.emplace(describe(m.spec), static_cast<int64_t>(specs.size())).first->second);
  }
}

}  // namespace

JudgeBatch JudgeTrainingSet::batch(const std::vector<int64_t>& rows) const {
  std::vector<torch::Tensor> picked;
  for (auto r : rows) picked.push_back(features[static_cast<size_t>(r)]);
  return judge_batch(picked);
}

JudgeTrainingSet load_judge_training_set(const std::filesystem::path& data) {
  JudgeTrainingSet set;
  std::vector<torch::Tensor> labels;
  std::map<std::string, int64_t> specs;
  for (const char* split : {"train", "heldout"}) add_split(set, data, split, labels, specs);
  if (set.size() < 2) throw UsageError("training the judges needs a dataset of at least 2 motions");
  set.labels = torch::stack(labels);
  const auto frames = torch::cat(set.features, 0).to(torch::kFloat64);
  set.feature_mean = frames.mean(0).to(torch::kFloat32);
  set.feature_std = frames.std(0).clamp_min(kMinStd).to(torch::kFloat32);
  return set;
}

}  // namespace gen::humans
