// The training task of the motion stage: clips of VAE latents, captions through the
// frozen text encoder, noise prediction by the motion UNet whose spatial part is frozen
// (what trains: the motion modules and the prompt travel, when the adapter has one).
// Optionally the motion modules read a text tower of their own, trained with them or
// (pretrained by -m text) kept fixed.
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

#include "training_clips.h"

namespace video_temporal {

class MotionTask : public gen::TrainingTask {
 public:
  MotionTask(gen::nn::UNetMotionModel model, LatentClips clips, gen::nn::ClipTextModel text,
             gen::nn::ClipTokenizer tokenizer, int sd_version, int64_t batch, int64_t frames);
  // Gives the motion modules their own text tower; a trainable one trains from here on
  // (its parameters join parameters() as "motion_text.*"), a fixed one is only read.
  // Throws gen::UsageError when a caption does not fit the tower's positions.
  void set_motion_text(gen::nn::ClipTextModel text, gen::nn::ClipTokenizer tokenizer, bool trainable);
  gen::nn::ClipTextModel motion_text() const { return motion_text_; }
  std::vector<std::pair<std::string, torch::Tensor>> parameters() override;
  gen::TrainingBatch next_batch(int64_t step, at::Generator& generator) override;
  torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) override;
  // Keeps the motion modules as they are (only the prompt travel trains): the check of
  // what a learnt prompt travel alone does.
  void freeze_motion_modules();
  // Adds `weight` x frame_change_loss (frame_change_loss.h) to the diffusion loss; 0: off.
  void set_frame_change_weight(double weight) { frame_change_weight_ = weight; }
  torch::Tensor auxiliary_loss(const gen::TrainingBatch& batch, const torch::Tensor& x0_estimate,
                               const torch::Tensor& t) override;

  gen::nn::UNetMotionModel model;

 private:
  torch::Tensor text_states(const std::string& caption);  // [M, D], cached (the encoder is frozen)
  torch::Tensor motion_text_states(const std::string& caption);  // [1, M', D'], through the own tower
  LatentClips clips_;
  gen::nn::ClipTextModel text_;
  gen::nn::ClipTokenizer tokenizer_;
  int sd_version_;
  int64_t batch_, frames_;
  torch::Tensor null_context_;
  std::unordered_map<std::string, torch::Tensor> cache_, motion_cache_;
  gen::nn::ClipTextModel motion_text_{nullptr};
  bool motion_text_trainable_ = false;
  double frame_change_weight_ = 0;
  bool modules_frozen_ = false;
  std::optional<gen::nn::ClipTokenizer> motion_tokenizer_;
};

}  // namespace video_temporal
