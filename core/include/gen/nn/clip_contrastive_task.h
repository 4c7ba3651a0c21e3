// Teaching a small CLIP text tower which item each caption describes, before a
// diffusion network reads it: CLIP's symmetric InfoNCE between the tower's sentence
// vectors and a data encoder's vectors of the paired items (mel spectrograms, latent
// video clips, ...), the encoder being the training stage's own and thrown away after.
// Pretrained CLIP/CLAP plays this role for SD, AudioLDM and MDM; a tower that learns
// only through the diffusion loss hardly tells its captions apart (docs/model-zoo.md).
// The task runs in gen::Trainer ("custom" process); the plugins supply the encoder.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <torch/nn/module.h>

#include <gen/export.h>
#include <gen/nn/clip_text_embedder.h>
#include <gen/nn/clip_tokenizer.h>
#include <gen/trainer.h>

namespace gen::nn {

// The data side: a module whose parameters train with the tower, and its forward,
// items [B, ...] -> [B, text tower dim()].
struct ItemEncoder {
  std::shared_ptr<torch::nn::Module> module;
  std::function<torch::Tensor(const torch::Tensor&)> forward;
};

class GEN_API ClipContrastiveTask : public gen::TrainingTask {
 public:
  // items [N, ...] (index 0 = item); captions[i] = the phrasings of item i (at least one;
  // a step reads one drawn at random when there are several).
  ClipContrastiveTask(ClipTextEmbedder text, ClipTokenizer tokenizer, ItemEncoder items_encoder, torch::Tensor items,
                      std::vector<std::vector<std::string>> captions, int64_t batch);
  std::vector<std::pair<std::string, torch::Tensor>> parameters() override;
  gen::TrainingBatch next_batch(int64_t step, at::Generator& generator) override;
  torch::Tensor custom_loss(const gen::TrainingBatch& batch, at::Generator& generator) override;

 private:
  ClipTextEmbedder text_;
  ClipTokenizer tokenizer_;
  ItemEncoder encoder_;
  torch::Tensor items_;
  std::vector<std::vector<std::string>> captions_;
  int64_t batch_;
  torch::Tensor log_scale_;
};

// Caption-to-item retrieval in pools of up to 32 items (the first min(512, N) items,
// each item's first phrasing against its pool): {"pool", "captions", "top1", "top3"}.
// An item whose caption is the query's own counts as right (datasets repeat captions),
// so a caption's rank is the number of items with other captions scoring above its
// own. Chance is about 1/pool and 3/pool.
GEN_API nlohmann::json caption_retrieval(ClipTextEmbedder& text, const ClipTokenizer& tokenizer,
                                         const ItemEncoder& items_encoder, const torch::Tensor& items,
                                         const std::vector<std::vector<std::string>>& captions);

}  // namespace gen::nn
