// diffusers' UNet2DConditionModel: noise prediction from a latent, a timestep and text
// embeddings (SD 1.x / 2.x), or, configured as AudioLDM's, from a latent, a timestep and a
// class embedding (the CLAP text embedding) with no text context. Registered names equal
// diffusers' checkpoint keys.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/types.h>

#include <gen/export.h>
#include <gen/nn/timestep_embedding.h>
#include <gen/nn/unet_blocks.h>
#include <gen/nn/unet_config.h>

namespace gen::nn {

class GEN_API UNet2DConditionModelImpl : public torch::nn::Module {
 public:
  explicit UNet2DConditionModelImpl(const UNet2DConditionConfig& config);

  // sample [B, in, H, W]; timestep int64 or floating, a scalar (broadcast) or [B];
  // encoder_hidden_states [B, M, cross_attention_dim], or undefined when every attention
  // may attend to itself (config().can_attend_to_itself(): AudioLDM); class_labels
  // [B, projection_class_embeddings_input_dim], required exactly when the config has a
  // class embedding -> [B, out, H, W].
  torch::Tensor forward(const torch::Tensor& sample, const torch::Tensor& timestep,
                        const torch::Tensor& encoder_hidden_states, const torch::Tensor& class_labels = {});

  // The stages of the conditioning, exposed for tests and reuse.
  torch::Tensor time_proj(const torch::Tensor& timesteps) const;  // [B] -> [B, C0]
  torch::Tensor time_embed(const torch::Tensor& timesteps);       // [B] -> [B, 4*C0]
  torch::Tensor class_embed(const torch::Tensor& class_labels);   // [B, P] -> [B, 4*C0]
  // What every ResNet receives: time_embed(t), plus or followed by class_embed(labels);
  // [B, config().blocks_time_embed_dim()]. timesteps as in forward.
  torch::Tensor conditioning_embedding(const torch::Tensor& timesteps, int64_t batch,
                                       const torch::Tensor& class_labels = {});

  const UNet2DConditionConfig& config() const { return config_; }

  torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
  TimestepEmbedding time_embedding{nullptr};
  torch::nn::Linear class_embedding{nullptr};  // only with class_embed_type "simple_projection"
  torch::nn::ModuleList down_blocks{nullptr}, up_blocks{nullptr};
  UNetMidBlock mid_block{nullptr};
  torch::nn::GroupNorm conv_norm_out{nullptr};

 private:
  void check_inputs(const torch::Tensor& sample, const torch::Tensor& encoder_hidden_states,
                    const torch::Tensor& class_labels) const;
  UNet2DConditionConfig config_;
};
TORCH_MODULE(UNet2DConditionModel);

}  // namespace gen::nn
