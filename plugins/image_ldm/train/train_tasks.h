// The three training tasks of the default model, each a gen::TrainingTask.
#pragma once

#include <memory>
#include <unordered_map>

#include <gen/nn/autoencoder_kl.h>
#include <gen/nn/clip_text_model.h>
#include <gen/nn/clip_tokenizer.h>
#include <gen/nn/unet2d_condition.h>
#include <gen/trainer.h>

#include "default_model.h"
#include "shapes_data.h"

namespace image_ldm {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;
NamedTensors named(torch::nn::Module& m, const std::string& prefix = "");

// Reconstruction (L1 + MSE), L1 on the image gradients (keeps thin star points and
// cross arms sharp, which plain L1/MSE blur), and a small KL term towards N(0, I).
struct VaeLossWeights {
  double kl = 1e-4;
  double edge = 1.0;
  double foreground = 0.0;  // extra weight of object pixels
};

class VaeTask : public gen::TrainingTask {
 public:
  VaeTask(ShapesData data, int64_t batch, VaeLossWeights weights, const nlohmann::json& config);
  NamedTensors parameters() override { return named(*vae); }
  gen::TrainingBatch next_batch(int64_t step, at::Generator& generator) override;
  torch::Tensor custom_loss(const gen::TrainingBatch& batch, at::Generator& generator) override;
  gen::nn::AutoencoderKL vae{nullptr};

 private:
  ShapesData data_;
  int64_t batch_;
  VaeLossWeights weights_;
};

// CLIP's symmetric InfoNCE between pooled text and image embeddings.
class ClipTask : public gen::TrainingTask {
 public:
  ClipTask(ShapesData data, gen::nn::ClipTokenizer tokenizer, int64_t vocab_size, int64_t batch);
  NamedTensors parameters() override;
  gen::TrainingBatch next_batch(int64_t step, at::Generator& generator) override;
  torch::Tensor custom_loss(const gen::TrainingBatch& batch, at::Generator& generator) override;
  torch::Tensor text_embedding(const torch::Tensor& ids);  // normalised [B, D]
  torch::Tensor image_embedding(const torch::Tensor& images);

  gen::nn::ClipTextModel text{nullptr};
  ClipVision vision{nullptr};
  torch::nn::Linear text_projection{nullptr};
  torch::Tensor logit_scale;

 private:
  ShapesData data_;
  gen::nn::ClipTokenizer tokenizer_;
  int64_t batch_;
};

// Noise prediction on VAE latents, conditioned on the frozen text encoder's states.
class UnetTask : public gen::TrainingTask {
 public:
  // unet_config: a diffusers UNet config; its sample_size is set to the latents' size.
  UnetTask(ShapesData data, gen::nn::AutoencoderKL vae, gen::nn::ClipTextModel text,
           gen::nn::ClipTokenizer tokenizer, nlohmann::json unet_config, int64_t batch,
           const gen::ProgressCallback& progress);
  NamedTensors parameters() override { return named(*unet); }
  gen::TrainingBatch next_batch(int64_t step, at::Generator& generator) override;
  torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) override;
  gen::nn::UNet2DConditionModel unet{nullptr};

 private:
  torch::Tensor encode_text(const std::vector<std::string>& captions);
  torch::Tensor cached_text_states(const std::vector<std::string>& captions);
  ShapesData data_;
  gen::nn::ClipTextModel text_;
  gen::nn::ClipTokenizer tokenizer_;
  int64_t batch_;
  double scaling_factor_;
  torch::Tensor latent_mean_, latent_std_;  // [N, 4, h, w] posterior of every image
  torch::Tensor null_context_;              // the empty prompt's states [1, 77, D]
  std::unordered_map<std::string, torch::Tensor> text_states_;  // caption -> [77, D]
};

}  // namespace image_ldm
