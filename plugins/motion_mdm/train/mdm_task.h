// The training task of MDM: batches of normalized HumanML3D features (padded to the
// longest clip, padding weighted 0 and hidden from attention; optionally drawn among
// clips of similar length), captions through the text tower (trained along or fixed),
// and MDM's geometric losses on the x0 estimate; a sequence's later actions may weigh
// more than its first.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <gen/humans/animator.h>
#include <gen/length_batches.h>
#include <gen/motion/feature_normalizer.h>
#include <gen/nn/clip_text_embedder.h>
#include <gen/nn/clip_tokenizer.h>
#include <gen/nn/mdm.h>
#include <gen/trainer.h>
#include <gen/travel_rules.h>

namespace motion_mdm {

struct FeatureClips {
  torch::Tensor features;                         // [N, 263, F] normalized, zero after each clip's end
  torch::Tensor lengths;                          // [N] int64 feature frames
  std::vector<std::vector<std::string>> captions; // every phrasing of each clip
  torch::Tensor later_actions;                    // [N, F] 1 on the frames of each clip's second and later actions
  std::vector<std::vector<gen::humans::ActionSpan>> spans;  // each clip's actions, in order (may be empty)
};

// A sequence's frames reading their own action's caption (gen's own, with cond_every_frame):
// with probability `probability` a clip of several actions whose drawn caption the rules
// split into as many parts conditions each action's frames on its part.
struct SegmentText {
  double probability = 0;
  gen::TravelRules rules;
};

struct GeometricLossWeights {
  double position = 1.0;  // root-relative joint positions (ric)
  double velocity = 1.0;  // their change from frame to frame
  double foot = 1.0;      // foot velocity while the ground truth says the foot is in contact
};

class MdmTask : public gen::TrainingTask {
 public:
  MdmTask(gen::nn::MdmTransformer network, gen::nn::ClipTextEmbedder text_encoder, gen::nn::ClipTokenizer tokenizer,
          gen::motion::FeatureNormalizer normalizer, FeatureClips clips, int64_t batch, GeometricLossWeights weights,
          bool train_text = true, int64_t length_window = 0, double later_action_weight = 1.0,
          SegmentText segment_text = {});
  std::vector<std::pair<std::string, torch::Tensor>> parameters() override;
  gen::TrainingBatch next_batch(int64_t step, at::Generator& generator) override;
  torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) override;
  torch::Tensor auxiliary_loss(const gen::TrainingBatch& batch, const torch::Tensor& x0_estimate,
                               const torch::Tensor& t) override;

 private:
  torch::Tensor caption_ids(const std::string& caption);
  // [B, F, clip_dim]: each row's frames' text feature (its pooled caption, or its actions'
  // parts over their spans); nullopt when no row is split.
  std::optional<torch::Tensor> frame_text(const torch::Tensor& index, const std::vector<std::string>& captions,
                                          const torch::Tensor& pooled, int64_t frames, at::Generator& g);
  gen::nn::MdmTransformer network_;
  gen::nn::ClipTextEmbedder text_encoder_;
  gen::nn::ClipTokenizer tokenizer_;
  gen::motion::FeatureNormalizer normalizer_;
  FeatureClips clips_;
  int64_t batch_;
  gen::LengthBatches batches_;  // which clips make a batch
  GeometricLossWeights weights_;
  bool train_text_;  // false: the text tower is fixed (not among the trained parameters)
  double later_action_weight_;  // every loss's weight on a sequence's later actions' frames (1: as any frame)
  SegmentText segment_text_;
  std::map<std::string, torch::Tensor> ids_;  // tokenized captions, cached
};

}  // namespace motion_mdm
