// The training task of the motion stage: clips of VAE latents, captions through the
// frozen text encoder, noise prediction by the motion UNet whose spatial part is frozen.
// Optionally the motion modules read a text tower of their own, trained with them.
#pragma once
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <gen/nn/clip_text_model.h>
#include <gen/nn/clip_tokenizer.h>
#include <gen/nn/unet_motion_model.h>
#include <gen/progress.h>
#include <gen/trainer.h>

namespace video_temporal {

// Clips already in latent space, with every phrasing of each clip's caption.
struct LatentClips {
  torch::Tensor mean, std;                       // [N, C, F, h, w] VAE posterior, scaled
  std::vector<std::vector<std::string>> captions;  // [N][phrasings]
};

class MotionTask : public gen::TrainingTask {
 public:
  MotionTask(gen::nn::UNetMotionModel model, LatentClips clips, gen::nn::ClipTextModel text,
             gen::nn::ClipTokenizer tokenizer, int sd_version, int64_t batch, int64_t frames);
  // Gives the motion modules their own text tower, trained from here on (its parameters
  // join parameters() as "motion_text.*"). Throws gen::UsageError when a caption does
  // not fit the tower's positions.
  void set_motion_text(gen::nn::ClipTextModel text, gen::nn::ClipTokenizer tokenizer);
  gen::nn::ClipTextModel motion_text() const { return motion_text_; }
  std::vector<std::pair<std::string, torch::Tensor>> parameters() override;
  gen::TrainingBatch next_batch(int64_t step, at::Generator& generator) override;
  torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) override;

  gen::nn::UNetMotionModel model;

 private:
  torch::Tensor text_states(const std::string& caption);  // [M, D], cached (the encoder is frozen)
  torch::Tensor motion_text_states(const std::string& caption);  // [1, M', D'], through the trained tower
  LatentClips clips_;
  gen::nn::ClipTextModel text_;
  gen::nn::ClipTokenizer tokenizer_;
  int sd_version_;
  int64_t batch_, frames_;
  torch::Tensor null_context_;
  std::unordered_map<std::string, torch::Tensor> cache_;
  gen::nn::ClipTextModel motion_text_{nullptr};
  std::optional<gen::nn::ClipTokenizer> motion_tokenizer_;
};

}  // namespace video_temporal
