#include <gen/nn/vae_blocks.h>

#include <torch/nn/functional/activation.h>

#include "nn/nn_util.h"

namespace gen::nn {
namespace {

constexpr double kVaeEps = 1e-6;

ResnetBlock2D vae_resnet(int64_t in, int64_t out, int64_t groups) {
  ResnetBlockOptions r;
  r.in_channels = in;
  r.out_channels = out;
  r.groups = groups;
  r.eps = kVaeEps;
  return ResnetBlock2D(r);
}

}  // namespace

VaeMidBlockImpl::VaeMidBlockImpl(int64_t channels, int64_t groups) {
  AttentionOptions a;
  a.query_dim = channels;
  a.heads = 1;  // diffusers: attention_head_dim = channels -> one head
  a.dim_head = channels;
  a.qkv_bias = true;
  a.norm_num_groups = groups;
  a.norm_eps = kVaeEps;
  a.residual_connection = true;
  resnets = register_module("resnets", torch::nn::ModuleList(vae_resnet(channels, channels, groups),
                                                              vae_resnet(channels, channels, groups)));
  attentions = register_module("attentions", torch::nn::ModuleList(Attention(a)));
}

torch::Tensor VaeMidBlockImpl::forward(torch::Tensor x) {
  x = resnets[0]->as<ResnetBlock2D>()->forward(x);
  x = attentions[0]->as<Attention>()->forward(x);
  return resnets[1]->as<ResnetBlock2D>()->forward(x);
}

VaeLevelImpl::VaeLevelImpl(int64_t in, int64_t out, int64_t layers, int64_t groups, bool downsample, bool upsample) {
  resnets = register_module("resnets", torch::nn::ModuleList());
  for (int64_t i = 0; i < layers; ++i) resnets->push_back(vae_resnet(i == 0 ? in : out, out, groups));
  // The encoder's downsampler pads right/bottom then convolves without padding (LDM legacy).
  if (downsample) downsamplers = register_module("downsamplers", torch::nn::ModuleList(Downsample2D(out, 0)));
  if (upsample) upsamplers = register_module("upsamplers", torch::nn::ModuleList(Upsample2D(out)));
}

torch::Tensor VaeLevelImpl::forward(torch::Tensor x) {
  for (const auto& r : *resnets) x = r->as<ResnetBlock2D>()->forward(x);
  if (downsamplers) x = downsamplers[0]->as<Downsample2D>()->forward(x);
  if (upsamplers) x = upsamplers[0]->as<Upsample2D>()->forward(x);
  return x;
}

VaeEncoderImpl::VaeEncoderImpl(const VaeCoderOptions& o) {
  using namespace detail;
  const auto& ch = o.block_out_channels;
  conv_in = register_module("conv_in", conv2d(o.in_channels, ch[0], 3, 1));
  down_blocks = register_module("down_blocks", torch::nn::ModuleList());
  for (size_t i = 0; i < ch.size(); ++i) {
    const int64_t in = i == 0 ? ch[0] : ch[i - 1];
    down_blocks->push_back(VaeLevel(in, ch[i], o.layers_per_block, o.norm_num_groups, i + 1 < ch.size(), false));
  }
  mid_block = register_module("mid_block", VaeMidBlock(ch.back(), o.norm_num_groups));
  conv_norm_out = register_module("conv_norm_out", group_norm(o.norm_num_groups, ch.back(), kVaeEps));
  conv_out = register_module("conv_out", conv2d(ch.back(), o.out_channels, 3, 1));
}

torch::Tensor VaeEncoderImpl::forward(const torch::Tensor& image) {
  auto h = conv_in(image);
  for (const auto& b : *down_blocks) h = b->as<VaeLevel>()->forward(h);
  h = mid_block(h);
  return conv_out(torch::silu(conv_norm_out(h)));
}

VaeDecoderImpl::VaeDecoderImpl(const VaeCoderOptions& o) {
  using namespace detail;
  const auto& ch = o.block_out_channels;
  const size_t n = ch.size();
  conv_in = register_module("conv_in", conv2d(o.in_channels, ch.back(), 3, 1));
  mid_block = register_module("mid_block", VaeMidBlock(ch.back(), o.norm_num_groups));
  up_blocks = register_module("up_blocks", torch::nn::ModuleList());
  for (size_t i = 0; i < n; ++i) {
    const int64_t prev = i == 0 ? ch[n - 1] : ch[n - i];
    up_blocks->push_back(VaeLevel(prev, ch[n - 1 - i], o.layers_per_block + 1, o.norm_num_groups, false, i + 1 < n));
  }
  conv_norm_out = register_module("conv_norm_out", group_norm(o.norm_num_groups, ch[0], kVaeEps));
  conv_out = register_module("conv_out", conv2d(ch[0], o.out_channels, 3, 1));
}

torch::Tensor VaeDecoderImpl::forward(const torch::Tensor& latent) {
  auto h = mid_block(conv_in(latent));
  for (const auto& b : *up_blocks) h = b->as<VaeLevel>()->forward(h);
  return conv_out(torch::silu(conv_norm_out(h)));
}

}  // namespace gen::nn
