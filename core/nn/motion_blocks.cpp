#include <gen/nn/motion_blocks.h>

#include <gen/error.h>

namespace gen::nn {
namespace {

torch::Tensor run_resnet(const torch::nn::ModuleList& resnets, size_t i, const torch::Tensor& x,
                         const torch::Tensor& temb) {
  return resnets->ptr<ResnetBlock2DImpl>(i)->forward(x, temb);
}

torch::Tensor run_attention(const torch::nn::ModuleList& attentions, size_t i, const torch::Tensor& x,
                            const torch::Tensor& context) {
  return attentions ? attentions->ptr<Transformer2DModelImpl>(i)->forward(x, context) : x;
}

torch::Tensor run_motion(const torch::nn::ModuleList& motion, size_t i, const torch::Tensor& x, int64_t frames,
                         const torch::Tensor& context) {
  return motion->ptr<TransformerTemporalModelImpl>(i)->forward(x, frames, context);
}

// Registers a submodule of the wrapped spatial block under its own name, if it exists.
torch::nn::ModuleList share(torch::nn::Module& self, const char* name, const torch::nn::ModuleList& list) {
  if (list) self.register_module(name, list);
  return list;
}

}  // namespace

torch::nn::ModuleList make_motion_modules(const TemporalTransformerOptions& options, int64_t count) {
  torch::nn::ModuleList list;
  for (int64_t i = 0; i < count; ++i) list->push_back(TransformerTemporalModel(options));
  return list;
}

MotionDownBlockImpl::MotionDownBlockImpl(const UNetDownBlock& spatial, const TemporalTransformerOptions& temporal) {
  resnets = share(*this, "resnets", spatial->resnets);
  attentions = share(*this, "attentions", spatial->attentions);
  motion_modules = register_module("motion_modules", make_motion_modules(temporal, resnets->size()));
  downsamplers = share(*this, "downsamplers", spatial->downsamplers);
}

torch::Tensor MotionDownBlockImpl::forward(torch::Tensor x, const torch::Tensor& temb, const MotionContext& context,
                                           std::vector<torch::Tensor>& skips, int64_t num_frames) {
  for (size_t i = 0; i < resnets->size(); ++i) {
    x = run_resnet(resnets, i, x, temb);
    x = run_attention(attentions, i, x, context.spatial);
    x = run_motion(motion_modules, i, x, num_frames, context.motion);
    skips.push_back(x);
  }
  if (downsamplers) {
    x = downsamplers[0]->as<Downsample2D>()->forward(x);
    skips.push_back(x);
  }
  return x;
}

MotionMidBlockImpl::MotionMidBlockImpl(const UNetMidBlock& spatial, const TemporalTransformerOptions& temporal) {
  resnets = share(*this, "resnets", spatial->resnets);
  attentions = share(*this, "attentions", spatial->attentions);
  motion_modules = register_module("motion_modules", make_motion_modules(temporal, attentions->size()));
}

torch::Tensor MotionMidBlockImpl::forward(torch::Tensor x, const torch::Tensor& temb, const MotionContext& context,
                                          int64_t num_frames) {
  x = run_resnet(resnets, 0, x, temb);
  for (size_t i = 0; i < attentions->size(); ++i) {
    x = run_attention(attentions, i, x, context.spatial);
    x = run_motion(motion_modules, i, x, num_frames, context.motion);
    x = run_resnet(resnets, i + 1, x, temb);
  }
  return x;
}

MotionUpBlockImpl::MotionUpBlockImpl(const UNetUpBlock& spatial, const TemporalTransformerOptions& temporal) {
  resnets = share(*this, "resnets", spatial->resnets);
  attentions = share(*this, "attentions", spatial->attentions);
  motion_modules = register_module("motion_modules", make_motion_modules(temporal, resnets->size()));
  upsamplers = share(*this, "upsamplers", spatial->upsamplers);
}

torch::Tensor MotionUpBlockImpl::forward(torch::Tensor x, const torch::Tensor& temb, const MotionContext& context,
                                         std::vector<torch::Tensor>& skips, int64_t num_frames) {
  for (size_t i = 0; i < resnets->size(); ++i) {
    if (skips.empty()) throw Error("motion UNet up block ran out of skip connections");
    x = torch::cat({x, skips.back()}, 1);
    skips.pop_back();
    x = run_resnet(resnets, i, x, temb);
    x = run_attention(attentions, i, x, context.spatial);
    x = run_motion(motion_modules, i, x, num_frames, context.motion);
  }
  return upsample_to_next_skip(upsamplers, x, skips);
}

}  // namespace gen::nn
