#include <gen/nn/unet2d_condition.h>

#include <algorithm>

#include <torch/nn/functional/activation.h>

#include <gen/error.h>

#include "nn/nn_util.h"

namespace gen::nn {
namespace {

UNetBlockOptions block_options(const UNet2DConditionConfig& c, int64_t heads, int64_t transformer_layers,
                               int64_t cross_attention_dim) {
  UNetBlockOptions o;
  o.temb_channels = c.blocks_time_embed_dim();
  o.groups = c.norm_num_groups;
  o.eps = c.norm_eps;
  o.downsample_padding = c.downsample_padding;
  o.transformer.heads = heads;
  o.transformer.cross_attention_dim = cross_attention_dim;
  o.transformer.layers = transformer_layers;
  o.transformer.use_linear_projection = c.use_linear_projection;
  o.transformer.upcast_attention = c.upcast_attention;
  return o;
}

}  // namespace

UNet2DConditionModelImpl::UNet2DConditionModelImpl(const UNet2DConditionConfig& config) : config_(config) {
  using namespace detail;
  config_.validate();
  const auto& ch = config_.block_out_channels;
  const size_t n = ch.size();
  conv_in = register_module("conv_in", conv2d(config_.in_channels, ch[0], 3, 1));
  time_embedding = register_module("time_embedding", TimestepEmbedding(ch[0], config_.time_embed_dim()));
  if (config_.has_class_embedding())
    class_embedding = register_module(
        "class_embedding", linear(config_.projection_class_embeddings_input_dim, config_.time_embed_dim()));

  down_blocks = register_module("down_blocks", torch::nn::ModuleList());
  for (size_t i = 0; i < n; ++i) {
    auto o = block_options(config_, config_.num_attention_heads[i], config_.transformer_layers_per_block[i],
                           config_.down_cross_attention_dim(i));
    o.in_channels = i == 0 ? ch[0] : ch[i - 1];
    o.out_channels = ch[i];
    o.layers = config_.layers_per_block;
    o.has_attention = config_.down_has_attention(i);
    o.add_resample = i + 1 < n;
    down_blocks->push_back(UNetDownBlock(o));
  }

  auto mid = block_options(config_, config_.num_attention_heads.back(), config_.mid_transformer_layers,
                           config_.mid_cross_attention_dim());
  mid.in_channels = ch.back();
  mid.layers = 1;
  mid_block = register_module("mid_block", UNetMidBlock(mid));

  // Up block i mirrors down block n-1-i; heads and depths come from the reversed lists.
  up_blocks = register_module("up_blocks", torch::nn::ModuleList());
  for (size_t i = 0; i < n; ++i) {
    const size_t mirror = n - 1 - i;
    auto o = block_options(config_, config_.num_attention_heads[mirror], config_.transformer_layers_per_block[mirror],
                           config_.up_cross_attention_dim(i));
    o.prev_output_channels = i == 0 ? ch[n - 1] : ch[mirror + 1];
    o.out_channels = ch[mirror];
    o.in_channels = ch[mirror == 0 ? 0 : mirror - 1];
    o.layers = config_.layers_per_block + 1;
    o.has_attention = config_.up_has_attention(i);
    o.add_resample = i + 1 < n;
    up_blocks->push_back(UNetUpBlock(o));
  }
  conv_norm_out = register_module("conv_norm_out", group_norm(config_.norm_num_groups, ch[0], config_.norm_eps));
  conv_out = register_module("conv_out", conv2d(ch[0], config_.out_channels, 3, 1));
}

torch::Tensor UNet2DConditionModelImpl::time_proj(const torch::Tensor& timesteps) const {
  return timestep_sinusoidal(timesteps, config_.block_out_channels[0], config_.flip_sin_to_cos, config_.freq_shift);
}

torch::Tensor UNet2DConditionModelImpl::time_embed(const torch::Tensor& timesteps) {
  // The projection is float32; cast to the weights' dtype so half models work too.
  return time_embedding(time_proj(timesteps).to(conv_in->weight.scalar_type()));
}

torch::Tensor UNet2DConditionModelImpl::class_embed(const torch::Tensor& class_labels) {
  if (!class_embedding) throw UsageError("this UNet has no class embedding (class_embed_type is not set)");
  const int64_t p = config_.projection_class_embeddings_input_dim;
  if (!class_labels.defined() || class_labels.dim() != 2 || class_labels.size(1) != p)
    throw UsageError("UNet class_labels must be [B, " + std::to_string(p) + "]");
  return class_embedding(class_labels.to(class_embedding->weight.scalar_type()));
}

torch::Tensor UNet2DConditionModelImpl::conditioning_embedding(const torch::Tensor& timesteps, int64_t batch,
                                                               const torch::Tensor& class_labels) {
  auto emb = time_embed(broadcast_timesteps(timesteps.to(conv_in->weight.device()), batch));
  if (!class_embedding) return emb;
  const auto class_emb = class_embed(class_labels);
  if (class_emb.size(0) != batch)
    throw UsageError("UNet class_labels have " + std::to_string(class_emb.size(0)) + " rows for a batch of " +
                     std::to_string(batch));
  // Time first, as diffusers concatenates: the ResNets' time_emb_proj weights expect that order.
  return config_.class_embeddings_concat ? torch::cat({emb, class_emb}, -1) : emb + class_emb;
}

void UNet2DConditionModelImpl::check_inputs(const torch::Tensor& sample, const torch::Tensor& encoder_hidden_states,
                                            const torch::Tensor& class_labels) const {
  if (sample.dim() != 4 || sample.size(1) != config_.in_channels)
    throw UsageError("UNet sample must be [B, " + std::to_string(config_.in_channels) + ", H, W]");
  if (!encoder_hidden_states.defined()) {
    if (!config_.can_attend_to_itself())
      throw UsageError("this UNet needs encoder_hidden_states (its attentions attend to a text context)");
  } else if (config_.cross_attention_dims.empty()) {
    if (encoder_hidden_states.dim() != 3 || encoder_hidden_states.size(2) != config_.cross_attention_dim)
      throw UsageError("UNet encoder_hidden_states must be [B, M, " + std::to_string(config_.cross_attention_dim) +
                       "]");
  } else {
    // One tensor cannot have every block's width (diffusers fails the same way, later).
    throw UsageError("this UNet's blocks attend to contexts of different widths: pass no encoder_hidden_states");
  }
  if (class_embedding && !class_labels.defined())
    throw UsageError("this UNet needs class_labels (class_embed_type " + config_.class_embed_type + ")");
  if (!class_embedding && class_labels.defined()) throw UsageError("this UNet takes no class_labels");
}

torch::Tensor UNet2DConditionModelImpl::forward(const torch::Tensor& sample, const torch::Tensor& timestep,
                                                const torch::Tensor& encoder_hidden_states,
                                                const torch::Tensor& class_labels) {
  check_inputs(sample, encoder_hidden_states, class_labels);
  const auto emb = conditioning_embedding(timestep, sample.size(0), class_labels);

  auto h = conv_in(sample);
  std::vector<torch::Tensor> skips{h};
  for (const auto& b : *down_blocks) h = b->as<UNetDownBlock>()->forward(h, emb, encoder_hidden_states, skips);
  h = mid_block(h, emb, encoder_hidden_states);
  for (const auto& b : *up_blocks) h = b->as<UNetUpBlock>()->forward(h, emb, encoder_hidden_states, skips);
  return conv_out(torch::silu(conv_norm_out(h)));
}

}  // namespace gen::nn
