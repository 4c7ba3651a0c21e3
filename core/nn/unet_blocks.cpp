#include <gen/nn/unet_blocks.h>

#include <gen/error.h>

namespace gen::nn {
namespace {

ResnetBlock2D make_resnet(const UNetBlockOptions& o, int64_t in, int64_t out) {
  ResnetBlockOptions r;
  r.in_channels = in;
  r.out_channels = out;
  r.temb_channels = o.temb_channels;
  r.groups = o.groups;
  r.eps = o.eps;
  return ResnetBlock2D(r);
}

Transformer2DModel make_transformer(const UNetBlockOptions& o, int64_t channels) {
  auto t = o.transformer;
  t.channels = channels;
  t.norm_num_groups = o.groups;
  return Transformer2DModel(t);
}

}  // namespace

UNetDownBlockImpl::UNetDownBlockImpl(const UNetBlockOptions& o) {
  resnets = register_module("resnets", torch::nn::ModuleList());
  if (o.has_attention) attentions = register_module("attentions", torch::nn::ModuleList());
  for (int64_t i = 0; i < o.layers; ++i) {
    resnets->push_back(make_resnet(o, i == 0 ? o.in_channels : o.out_channels, o.out_channels));
    if (o.has_attention) attentions->push_back(make_transformer(o, o.out_channels));
  }
  if (o.add_resample) {
    downsamplers = register_module("downsamplers", torch::nn::ModuleList());
    downsamplers->push_back(Downsample2D(o.out_channels, o.downsample_padding));
  }
}

torch::Tensor UNetDownBlockImpl::forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context,
                                         std::vector<torch::Tensor>& skips) {
  for (size_t i = 0; i < resnets->size(); ++i) {
    x = resnets[i]->as<ResnetBlock2D>()->forward(x, temb);
    if (attentions) x = attentions[i]->as<Transformer2DModel>()->forward(x, context);
    skips.push_back(x);
  }
  if (downsamplers) {
    x = downsamplers[0]->as<Downsample2D>()->forward(x);
    skips.push_back(x);
  }
  return x;
}

UNetMidBlockImpl::UNetMidBlockImpl(const UNetBlockOptions& o) {
  resnets = register_module("resnets", torch::nn::ModuleList());
  attentions = register_module("attentions", torch::nn::ModuleList());
  resnets->push_back(make_resnet(o, o.in_channels, o.in_channels));
  for (int64_t i = 0; i < o.layers; ++i) {
    attentions->push_back(make_transformer(o, o.in_channels));
    resnets->push_back(make_resnet(o, o.in_channels, o.in_channels));
  }
}

torch::Tensor UNetMidBlockImpl::forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context) {
  x = resnets[0]->as<ResnetBlock2D>()->forward(x, temb);
  for (size_t i = 0; i < attentions->size(); ++i) {
    x = attentions[i]->as<Transformer2DModel>()->forward(x, context);
    x = resnets[i + 1]->as<ResnetBlock2D>()->forward(x, temb);
  }
  return x;
}

UNetUpBlockImpl::UNetUpBlockImpl(const UNetBlockOptions& o) {
  resnets = register_module("resnets", torch::nn::ModuleList());
  if (o.has_attention) attentions = register_module("attentions", torch::nn::ModuleList());
  for (int64_t i = 0; i < o.layers; ++i) {
    // The last resnet receives the skip from the previous level's input width.
    const int64_t skip = i == o.layers - 1 ? o.in_channels : o.out_channels;
    const int64_t in = i == 0 ? o.prev_output_channels : o.out_channels;
    resnets->push_back(make_resnet(o, in + skip, o.out_channels));
    if (o.has_attention) attentions->push_back(make_transformer(o, o.out_channels));
  }
  if (o.add_resample) {
    upsamplers = register_module("upsamplers", torch::nn::ModuleList());
    upsamplers->push_back(Upsample2D(o.out_channels));
  }
}

torch::Tensor UNetUpBlockImpl::forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context,
                                       std::vector<torch::Tensor>& skips) {
  for (size_t i = 0; i < resnets->size(); ++i) {
    if (skips.empty()) throw Error("UNet up block ran out of skip connections");
    x = torch::cat({x, skips.back()}, 1);
    skips.pop_back();
    x = resnets[i]->as<ResnetBlock2D>()->forward(x, temb);
    if (attentions) x = attentions[i]->as<Transformer2DModel>()->forward(x, context);
  }
  return upsample_to_next_skip(upsamplers, x, skips);
}

torch::Tensor upsample_to_next_skip(torch::nn::ModuleList upsamplers, const torch::Tensor& x,
                                    const std::vector<torch::Tensor>& skips) {
  if (!upsamplers) return x;
  std::vector<int64_t> size;
  if (!skips.empty()) size = {skips.back().size(2), skips.back().size(3)};
  return upsamplers[0]->as<Upsample2D>()->forward(x, size);
}

}  // namespace gen::nn
