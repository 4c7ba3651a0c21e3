// The generator behind `gen video`: validates the request before weights are read,
// loads the base checkpoint's networks and the motion adapter as the stages need them
// (keeping them for the next run, or one at a time with low_memory), and returns the
// clip [F, H, W, 3] with every setting it resolved.
#pragma once
#include <memory>
#include <string>

#include <gen/nn/autoencoder_kl.h>
#include <gen/nn/clip_text_model.h>
#include <gen/nn/clip_tokenizer.h>
#include <gen/nn/prompt_encoding.h>
#include <gen/plugin.h>
#include <gen/travel_rules.h>

#include "video_temporal.h"

namespace video_temporal {

class VideoGenerator : public gen::Generator {
 public:
  explicit VideoGenerator(VideoModelFiles files);
  gen::Sample generate(const gen::Request& request, const gen::ProgressCallback& progress) override;

 private:
  struct Plan;
  Plan plan(const gen::Request& r, const VideoOptions& o, const ClipStart& start);
  void open_base(const VideoOptions& o);
  gen::nn::PromptEncoding encode_prompt(const gen::Request& r, const Plan& plan, bool low_memory);
  // Through the adapter's own text tower; empty when the modules read the base's text.
  gen::nn::PromptEncoding encode_motion_prompt(const gen::Request& r, const Plan& plan, bool low_memory);
  // The keyframe prompts the frames travel through: -p to prompt_end, or what the travel
  // rules make of -p; empty for no travel.
  std::vector<gen::TravelKeyframe> travel_plan(const gen::Request& r, const VideoOptions& o);
  // Frame f reads the keyframes' text states blended by keyframe_weights ([F, M, D]; the
  // negative text repeated per frame). `start` is -p's encoding.
  gen::nn::PromptEncoding travel_prompt(const gen::Request& r, const Plan& plan,
                                        const std::vector<gen::TravelKeyframe>& keyframes,
                                        const gen::nn::PromptEncoding& start);
  void check_motion_text() const;
  torch::Tensor encode_frames(const torch::Tensor& frames, int64_t chunk);  // [F, 3, H, W] -> [1, C, F, h, w]
  torch::Tensor decode_frames(const torch::Tensor& latents, int64_t chunk);  // [1, C, F, h, w] -> [F, 3, H, W]
  gen::nn::UNetMotionModel& motion_unet();
  void release(bool text, bool unet, bool vae);

  VideoModelFiles files_;
  std::unique_ptr<gen::nn::StableDiffusionCheckpoint> checkpoint_;
  std::filesystem::path base_, tokenizer_dir_;
  std::unique_ptr<gen::nn::ClipTokenizer> tokenizer_;
  gen::nn::MotionAdapter adapter_{nullptr};
  gen::nn::ClipTextModel text_encoder_{nullptr}, motion_text_encoder_{nullptr};
  std::unique_ptr<gen::nn::ClipTokenizer> motion_tokenizer_;
  std::filesystem::path travel_rules_file_;
  gen::TravelRules travel_rules_;
  gen::nn::AutoencoderKL vae_{nullptr};
  gen::nn::UNetMotionModel unet_{nullptr};
};

}  // namespace video_temporal
