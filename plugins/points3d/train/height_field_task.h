// The training task of a height-field model: the dataset's clouds read once into fields
// (height_field.h), each batch turned by a random one of the square's eight symmetries
// (the solids are turned by a random yaw anyway, so a mirrored or quarter-turned field
// is as real as the one read), captions through the jointly trained text tower.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <gen/nn/clip_text_model.h>
#include <gen/nn/clip_tokenizer.h>
#include <gen/nn/unet2d_condition.h>
#include <gen/progress.h>
#include <gen/trainer.h>

#include "../height_field.h"

namespace points3d {

struct TrainingFields {
  torch::Tensor fields;               // [M, 6, G, G]
  std::vector<std::string> captions;  // one per field
};

// The "train" split of a `gen data 3d` folder (at most max_clouds; 0 = all) read into
// fields; clouds without normals get estimated ones. gen::InputError for a missing or
// malformed dataset or a cloud outside the field's square.
TrainingFields load_training_fields(const std::filesystem::path& dir, const HeightFieldConfig& config, int64_t max_clouds,
                                    const gen::ProgressCallback& progress);

class HeightFieldTask : public gen::TrainingTask {
 public:
  HeightFieldTask(gen::nn::UNet2DConditionModel unet, gen::nn::ClipTextModel text, gen::nn::ClipTokenizer tokenizer,
                  TrainingFields fields, int64_t batch);
  std::vector<std::pair<std::string, torch::Tensor>> parameters() override;
  gen::TrainingBatch next_batch(int64_t step, at::Generator& generator) override;
  torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) override;

 private:
  gen::nn::UNet2DConditionModel unet_;
  gen::nn::ClipTextModel text_;
  gen::nn::ClipTokenizer tokenizer_;
  TrainingFields fields_;
  torch::Tensor ids_, empty_ids_;
  int64_t batch_;
};

}  // namespace points3d
