// The training task of points3d: batches of the dataset's clouds (a random subset of
// each cloud's points every time, so the network sees the surface rather than a fixed
// sample of it; or, for a slotted network, every cloud ordered into its slots once),
// captions through the jointly trained text tower, the empty caption as the
// unconditional one.
#pragma once
#include <string>
#include <vector>

#include <gen/nn/clip_text_model.h>
#include <gen/nn/clip_tokenizer.h>
#include <gen/progress.h>
#include <gen/trainer.h>

#include "../point_transformer.h"

namespace points3d {

// One training cloud of a `gen data 3d` folder: its file and its caption.
struct TrainingItem {
  std::filesystem::path file;
  std::string caption;
};
// The folder's "train" split, at most max_clouds (0 = all); gen::InputError when empty
// or malformed. Both network kinds read their data through it.
std::vector<TrainingItem> training_items(const std::filesystem::path& dir, int64_t max_clouds);

struct TrainingClouds {
  torch::Tensor latents;              // [M, channels, P] in diffusion space
  std::vector<std::string> captions;  // one per cloud
};

// The "train" split of a `gen data 3d` folder (at most max_clouds; 0 = all), encoded
// (and ordered into config.slots points when that is set: slot_order.h).
// gen::InputError for a missing or malformed dataset or clouds of unequal sizes.
TrainingClouds load_training_clouds(const std::filesystem::path& dir, const PointTransformerConfig& config,
                                    int64_t max_clouds, const gen::ProgressCallback& progress);

class PointTask : public gen::TrainingTask {
 public:
  PointTask(PointTransformer network, gen::nn::ClipTextModel text, gen::nn::ClipTokenizer tokenizer, TrainingClouds clouds,
            int64_t batch, int64_t points);
  std::vector<std::pair<std::string, torch::Tensor>> parameters() override;
  gen::TrainingBatch next_batch(int64_t step, at::Generator& generator) override;
  torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) override;

 private:
  PointTransformer network_;
  gen::nn::ClipTextModel text_;
  gen::nn::ClipTokenizer tokenizer_;
  TrainingClouds clouds_;
  torch::Tensor ids_;        // [M, L] token ids of every caption
  torch::Tensor empty_ids_;  // [1, L] the empty caption
  int64_t batch_, points_;
};

}  // namespace points3d
