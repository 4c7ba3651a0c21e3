// SD's KL autoencoder (diffusers' AutoencoderKL): image <-> latent. encode() returns
// the diagonal Gaussian posterior; scaling_factor is kept in the config and applied
// by pipelines (latent * scaling_factor before diffusion), never inside encode/decode.
#pragma once
#include <filesystem>
#include <optional>
#include <vector>

#include <ATen/core/Generator.h>
#include <nlohmann/json_fwd.hpp>
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/types.h>

#include <gen/export.h>
#include <gen/nn/state_dict.h>
#include <gen/nn/vae_blocks.h>

namespace gen::nn {

struct GEN_API AutoencoderKLConfig {
  int64_t in_channels = 3;
  int64_t out_channels = 3;
  std::vector<int64_t> block_out_channels{128, 256, 512, 512};
  int64_t layers_per_block = 2;
  int64_t latent_channels = 4;
  int64_t norm_num_groups = 32;
  int64_t sample_size = 512;
  double scaling_factor = 0.18215;
  double shift_factor = 0.0;
  bool use_quant_conv = true;
  bool use_post_quant_conv = true;

  int64_t downsample_factor() const { return int64_t(1) << (block_out_channels.size() - 1); }
  void validate() const;
  static AutoencoderKLConfig from_json(const nlohmann::json& j);
  static AutoencoderKLConfig from_json_file(const std::filesystem::path& path);
  nlohmann::json to_json() const;  // diffusers config.json
  // From diffusers names (encoder.conv_in.weight) or original ones (with or without
  // "first_stage_model."). Norm groups are not in the weights: the caller's hint (SD's
  // 32 by default). scaling_factor cannot be inferred and stays 0.18215.
  static AutoencoderKLConfig detect_from_weights(const ShapeMap& shapes, int64_t norm_num_groups = 32);
};

struct GEN_API DiagonalGaussian {
  torch::Tensor mean, logvar, std;  // logvar clamped to [-30, 20], std = exp(logvar / 2)
  torch::Tensor sample(std::optional<at::Generator> generator = std::nullopt) const;
  torch::Tensor mode() const { return mean; }
};

class GEN_API AutoencoderKLImpl : public torch::nn::Module {
 public:
  explicit AutoencoderKLImpl(const AutoencoderKLConfig& config);
  torch::Tensor moments(const torch::Tensor& image);  // quant_conv(encoder(image)), [B, 2*latent, h, w]
  DiagonalGaussian encode(const torch::Tensor& image);
  torch::Tensor decode(const torch::Tensor& latent);  // unscaled latent -> image in ~[-1, 1]
  // What pipelines diffuse in: the posterior mean (the same image always gives the same
  // latent), shifted and scaled by the config; and back to images, refusing NaN/Inf
  // with a gen::NumericError.
  torch::Tensor encode_latent(const torch::Tensor& image);
  torch::Tensor decode_latent(const torch::Tensor& latent);
  const AutoencoderKLConfig& config() const { return config_; }

  VaeEncoder encoder{nullptr};
  VaeDecoder decoder{nullptr};
  torch::nn::Conv2d quant_conv{nullptr}, post_quant_conv{nullptr};

 private:
  AutoencoderKLConfig config_;
};
TORCH_MODULE(AutoencoderKL);

}  // namespace gen::nn
