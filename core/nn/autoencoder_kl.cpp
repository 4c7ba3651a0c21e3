#include <gen/nn/autoencoder_kl.h>

#include <gen/error.h>

#include "nn/nn_util.h"

namespace gen::nn {

torch::Tensor DiagonalGaussian::sample(std::optional<at::Generator> generator) const {
  c10::optional<at::Generator> g;  // LibTorch 1.13 takes c10::optional
  if (generator) g = *generator;
  auto noise = torch::randn(mean.sizes(), g, mean.options());
  return mean + std * noise;
}

AutoencoderKLImpl::AutoencoderKLImpl(const AutoencoderKLConfig& config) : config_(config) {
  config_.validate();
  VaeCoderOptions enc;
  enc.in_channels = config_.in_channels;
  enc.out_channels = 2 * config_.latent_channels;  // mean and logvar ("double_z")
  enc.block_out_channels = config_.block_out_channels;
  enc.layers_per_block = config_.layers_per_block;
  enc.norm_num_groups = config_.norm_num_groups;
  VaeCoderOptions dec = enc;
  dec.in_channels = config_.latent_channels;
  dec.out_channels = config_.out_channels;
  encoder = register_module("encoder", VaeEncoder(enc));
  decoder = register_module("decoder", VaeDecoder(dec));
  const int64_t z2 = 2 * config_.latent_channels, z = config_.latent_channels;
  if (config_.use_quant_conv) quant_conv = register_module("quant_conv", detail::conv2d(z2, z2, 1, 0));
  if (config_.use_post_quant_conv) post_quant_conv = register_module("post_quant_conv", detail::conv2d(z, z, 1, 0));
}

torch::Tensor AutoencoderKLImpl::moments(const torch::Tensor& image) {
  if (image.dim() != 4 || image.size(1) != config_.in_channels)
    throw UsageError("VAE input must be [B, " + std::to_string(config_.in_channels) + ", H, W]");
  auto h = encoder(image);
  return quant_conv ? quant_conv(h) : h;
}

DiagonalGaussian AutoencoderKLImpl::encode(const torch::Tensor& image) {
  auto parts = moments(image).chunk(2, 1);
  DiagonalGaussian g;
  g.mean = parts[0];
  g.logvar = parts[1].clamp(-30.0, 20.0);
  g.std = torch::exp(0.5 * g.logvar);
  return g;
}

torch::Tensor AutoencoderKLImpl::decode(const torch::Tensor& latent) {
  if (latent.dim() != 4 || latent.size(1) != config_.latent_channels)
    throw UsageError("VAE latent must be [B, " + std::to_string(config_.latent_channels) + ", h, w]");
  return decoder(post_quant_conv ? post_quant_conv(latent) : latent);
}

torch::Tensor AutoencoderKLImpl::encode_latent(const torch::Tensor& image) {
  return (encode(image).mean - config_.shift_factor) * config_.scaling_factor;
}

torch::Tensor AutoencoderKLImpl::decode_latent(const torch::Tensor& latent) {
  auto images = decode(latent / config_.scaling_factor + config_.shift_factor);
  if (!torch::isfinite(images).all().item<bool>())
    throw NumericError("the VAE decoded NaN or Inf (try another seed or sampler, or fewer steps)");
  return images;
}

}  // namespace gen::nn
