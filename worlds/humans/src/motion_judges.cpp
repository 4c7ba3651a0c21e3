#include <gen/humans/motion_judges.h>

#include <nlohmann/json.hpp>

#include <gen/assets.h>
#include <gen/error.h>
#include <gen/humans/action_labels.h>
#include <gen/humans/judge_features.h>

#include "judge_store.h"

namespace gen::humans {

namespace {

constexpr int64_t kBatch = 64;  // motions per forward pass; results do not depend on it

// Runs `net` over the motions' features in batches and stacks the rows.
template <class Net>
torch::Tensor over_motions(const std::vector<motion::Motion>& motions, Net&& net) {
  if (motions.empty()) throw UsageError("the motion judges need at least one motion");
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> rows;
  for (size_t first = 0; first < motions.size(); first += kBatch) {
    std::vector<torch::Tensor> features;
    for (size_t i = first; i < std::min(motions.size(), first + kBatch); ++i) features.push_back(judge_features(motions[i]));
    const auto batch = judge_batch(features);
    rows.push_back(net(batch.features, batch.lengths));
  }
  return torch::cat(rows, 0);
}

}  // namespace

struct MotionJudges::State {
  StoredJudges judges;
  std::filesystem::path folder;
};

MotionJudges::MotionJudges(std::shared_ptr<State> state) : state_(std::move(state)) {}

MotionJudges MotionJudges::load(const std::filesystem::path& dir) {
  auto state = std::make_shared<State>();
  state->judges = load_judges(dir);
  state->folder = dir;
  return MotionJudges(std::move(state));
}

MotionJudges MotionJudges::load_default() {
  const auto dir = find_asset("judge-motion", "judges.safetensors");
  if (dir.empty()) throw InputError("no motion judges found (looked in " + asset_places("judge-motion") + ")");
  return load(dir);
}

std::vector<MotionSpec> MotionJudges::classify(const std::vector<motion::Motion>& motions) const {
  auto& n = state_->judges.networks;
  const auto logits =
      over_motions(motions, [&](const torch::Tensor& x, const torch::Tensor& len) { return n->classifier(n->normalise(x, len), len); });
  std::vector<MotionSpec> out;
  for (int64_t i = 0; i < logits.size(0); ++i) out.push_back(decode_action_labels(logits[i]));
  return out;
}

torch::Tensor MotionJudges::embed_motions(const std::vector<motion::Motion>& motions) const {
  auto& n = state_->judges.networks;
  return over_motions(motions, [&](const torch::Tensor& x, const torch::Tensor& len) { return n->embed_motions(x, len); });
}

torch::Tensor MotionJudges::embed_captions(const std::vector<std::string>& captions) const {
  if (captions.empty()) throw UsageError("the text judge needs at least one caption");
  torch::NoGradGuard no_grad;
  auto& j = state_->judges;
  const auto [tokens, lengths] = j.words.encode(captions, j.networks->architecture.max_words);
  return j.networks->embed_captions(tokens, lengths);
}

const nlohmann::json& MotionJudges::config() const { return state_->judges.config; }
const std::filesystem::path& MotionJudges::folder() const { return state_->folder; }

}  // namespace gen::humans
