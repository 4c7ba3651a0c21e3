// The humans world's trained judges of motion, independent of any generator: an action
// classifier and a contrastive text-motion encoder (T2M's evaluator design), both read
// the judges' own features (judge_features.h) and were trained only on real motions of
// the world (judge_training.h). A judge folder holds
//   judges.safetensors  every weight, F16 (classifier.*, motion_encoder.*, text_encoder.*,
//                       feature_mean, feature_std)
//   config.json         {"architecture": {...}, "words": [...], "training": {...},
//                        "validation": {...}}: the caption vocabulary, how the judges
//                       were trained and how well they read fresh real motions
// `gen eval motion` uses assets/judge-motion unless told otherwise.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <torch/types.h>

#include <gen/export.h>
#include <gen/humans/motion_spec.h>
#include <gen/motion/motion.h>

namespace gen::humans {

class GEN_API MotionJudges {
 public:
  // A judge folder; a missing or malformed file, or weights that do not fit the
  // configuration, is one gen::InputError naming the file.
  static MotionJudges load(const std::filesystem::path& dir);
  // The shipped judges (gen::find_asset("judge-motion")); gen::InputError listing the
  // places looked at when absent.
  static MotionJudges load_default();

  // The actions (and their parameters) each motion is read as; at most two, in order.
  std::vector<MotionSpec> classify(const std::vector<motion::Motion>& motions) const;
  // Unit-length embeddings [N, D] in the shared text-motion space.
  torch::Tensor embed_motions(const std::vector<motion::Motion>& motions) const;
  torch::Tensor embed_captions(const std::vector<std::string>& captions) const;

  const nlohmann::json& config() const;
  const std::filesystem::path& folder() const;

 private:
  struct State;
  explicit MotionJudges(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace gen::humans
