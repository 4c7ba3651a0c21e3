#include <gen/nn/unet_motion_model.h>

#include <string>
#include <vector>

#include <torch/nn/functional/activation.h>

#include <gen/error.h>
#include <gen/nn/state_dict.h>

namespace gen::nn {
namespace {

// The per-clip conditioning repeated for every frame, or per-frame conditioning as is.
torch::Tensor context_per_frame(const torch::Tensor& context, int64_t clips, int64_t frames, int64_t width) {
  if (context.dim() != 3 || context.size(2) != width)
    throw UsageError("motion UNet encoder_hidden_states must be [B, M, " + std::to_string(width) + "]");
  if (context.size(0) == clips) return context.repeat_interleave(frames, 0);
  if (context.size(0) == clips * frames) return context;
  throw UsageError("motion UNet encoder_hidden_states has " + std::to_string(context.size(0)) +
                   " entries; expected one per clip (" + std::to_string(clips) + ") or per frame (" +
                   std::to_string(clips * frames) + ")");
}

// A MotionAdapter-shaped view (down_blocks.i.motion_modules.j, mid_block..., up_blocks...)
// sharing this model's motion modules, so an adapter's tensors load in one checked step.
std::shared_ptr<torch::nn::Module> adapter_view(const UNetMotionModelImpl& m) {
  auto view = std::make_shared<torch::nn::Module>();
  torch::nn::ModuleList down, up;
  for (size_t i = 0; i < m.down_blocks->size(); ++i)
    down->push_back(MotionModules(m.down_blocks->ptr<MotionDownBlockImpl>(i)->motion_modules));
  for (size_t i = 0; i < m.up_blocks->size(); ++i)
    up->push_back(MotionModules(m.up_blocks->ptr<MotionUpBlockImpl>(i)->motion_modules));
  view->register_module("down_blocks", down);
  if (m.motion_mid_block) view->register_module("mid_block", MotionModules(m.motion_mid_block->motion_modules));
  view->register_module("up_blocks", up);
  if (m.prompt_travel) view->register_module("prompt_travel", m.prompt_travel);
  return view;
}

TensorMap state_of(const torch::nn::Module& m) {
  TensorMap out;
  for (const auto& p : m.named_parameters(true)) out[p.key()] = p.value();
  for (const auto& b : m.named_buffers(true)) out[b.key()] = b.value();
  return out;
}

}  // namespace

UNetMotionModelImpl::UNetMotionModelImpl(const UNetMotionConfig& config) : config_(config) {
  config_.validate();
  wrap(UNet2DConditionModel(config_.unet));
}

UNetMotionModelImpl::UNetMotionModelImpl(const UNet2DConditionModel& unet, const UNetMotionConfig& motion)
    : config_(motion) {
  // The spatial architecture is the UNet's own, whatever `motion.unet` holds.
  config_.unet = unet->config();
  config_.validate();
  wrap(unet);
}

void UNetMotionModelImpl::wrap(const UNet2DConditionModel& unet) {
  const size_t n = config_.unet.block_out_channels.size();
  conv_in = register_module("conv_in", unet->conv_in);
  time_embedding = register_module("time_embedding", unet->time_embedding);
  down_blocks = register_module("down_blocks", torch::nn::ModuleList());
  for (size_t i = 0; i < n; ++i)
    down_blocks->push_back(MotionDownBlock(UNetDownBlock(unet->down_blocks->ptr<UNetDownBlockImpl>(i)),
                                           config_.down_motion(i)));
  if (config_.use_motion_mid_block)
    motion_mid_block = register_module("mid_block", MotionMidBlock(unet->mid_block, config_.mid_motion()));
  else
    plain_mid_block = register_module("mid_block", unet->mid_block);
  up_blocks = register_module("up_blocks", torch::nn::ModuleList());
  for (size_t i = 0; i < n; ++i)
    up_blocks->push_back(MotionUpBlock(UNetUpBlock(unet->up_blocks->ptr<UNetUpBlockImpl>(i)), config_.up_motion(i)));
  conv_norm_out = register_module("conv_norm_out", unet->conv_norm_out);
  conv_out = register_module("conv_out", unet->conv_out);
  if (config_.motion_prompt_travel_dim > 0) {
    const int64_t text = config_.unet.cross_attention_dim;
    const int64_t caption = config_.motion_cross_attention_dim > 0 ? config_.motion_cross_attention_dim : text;
    // Built where the UNet lives, so a wrapped half-precision UNet stays consistent.
    prompt_travel = register_module("prompt_travel", PromptTravel(text, caption, config_.motion_prompt_travel_dim));
    prompt_travel->to(unet->conv_in->weight.device(), unet->conv_in->weight.scalar_type());
  }
}

torch::Tensor UNetMotionModelImpl::time_embed(const torch::Tensor& timesteps) {
  const auto features = timestep_sinusoidal(timesteps, config_.unet.block_out_channels[0], true, 0.0);
  // The projection is float32; cast to the weights' dtype so half models work too.
  return time_embedding(features.to(conv_in->weight.scalar_type()));
}

torch::Tensor UNetMotionModelImpl::mid_forward(const torch::Tensor& x, const torch::Tensor& temb,
                                               const MotionContext& context, int64_t num_frames) {
  return motion_mid_block ? motion_mid_block(x, temb, context, num_frames) : plain_mid_block(x, temb, context.spatial);
}

torch::Tensor UNetMotionModelImpl::motion_states(const torch::Tensor& given, const torch::Tensor& spatial, int64_t clips,
                                                 int64_t num_frames) const {
  const int64_t width = config_.motion_cross_attention_dim;
  if (!given.defined()) {
    if (width > 0 && width != config_.unet.cross_attention_dim)
      throw UsageError("the motion modules attend to " + std::to_string(width) + "-wide text of their own tower, not the " +
                       std::to_string(config_.unet.cross_attention_dim) + "-wide UNet text: pass motion_hidden_states");
    return spatial;
  }
  if (width == 0) throw UsageError("motion_hidden_states given, but these motion modules do not attend to text");
  if (given.dim() != 3 || given.size(2) != width || (given.size(0) != clips && given.size(0) != clips * num_frames))
    throw UsageError("motion_hidden_states must be [B, M, " + std::to_string(width) + "] or [B*F, M, " +
                     std::to_string(width) + "] for " + std::to_string(clips) + " clips of " +
                     std::to_string(num_frames) + " frames");
  return given;
}

torch::Tensor UNetMotionModelImpl::forward_frames(const torch::Tensor& sample, int64_t num_frames,
                                                  const torch::Tensor& timestep,
                                                  const torch::Tensor& encoder_hidden_states,
                                                  const torch::Tensor& motion_hidden_states) {
  const auto& c = config_.unet;
  if (sample.dim() != 4 || sample.size(1) != c.in_channels)
    throw UsageError("motion UNet frames must be [B*F, " + std::to_string(c.in_channels) + ", H, W]");
  if (num_frames <= 0 || sample.size(0) % num_frames != 0)
    throw UsageError("motion UNet: " + std::to_string(sample.size(0)) + " frames are not a whole number of " +
                     std::to_string(num_frames) + "-frame clips");
  if (num_frames > config_.motion_max_seq_length)
    throw UsageError(std::to_string(num_frames) + " frames exceed the motion modules' maximum of " +
                     std::to_string(config_.motion_max_seq_length) + " (motion_max_seq_length)");
  const int64_t clips = sample.size(0) / num_frames;
  MotionContext context;
  context.spatial = context_per_frame(encoder_hidden_states, clips, num_frames, c.cross_attention_dim);
  context.motion = motion_states(motion_hidden_states, context.spatial, clips, num_frames);
  if (prompt_travel) {
    const auto caption = motion_hidden_states.defined()
                             ? (context.motion.size(0) == clips ? context.motion.repeat_interleave(num_frames, 0)
                                                                : context.motion)
                             : context.spatial;
    context.spatial = prompt_travel(context.spatial, caption, num_frames);
  }
  const auto t = broadcast_timesteps(timestep.to(sample.device()), clips);
  const auto temb = time_embed(t).repeat_interleave(num_frames, 0);

  auto h = conv_in(sample);
  std::vector<torch::Tensor> skips{h};
  for (const auto& b : *down_blocks) h = b->as<MotionDownBlock>()->forward(h, temb, context, skips, num_frames);
  h = mid_forward(h, temb, context, num_frames);
  for (const auto& b : *up_blocks) h = b->as<MotionUpBlock>()->forward(h, temb, context, skips, num_frames);
  return conv_out(torch::silu(conv_norm_out(h)));
}

torch::Tensor UNetMotionModelImpl::forward(const torch::Tensor& sample, const torch::Tensor& timestep,
                                           const torch::Tensor& encoder_hidden_states,
                                           const torch::Tensor& motion_hidden_states) {
  if (sample.dim() != 5)
    throw UsageError("motion UNet sample must be [B, C, F, H, W]; use forward_frames for [B*F, C, H, W]");
  const int64_t B = sample.size(0), C = sample.size(1), F = sample.size(2), H = sample.size(3), W = sample.size(4);
  auto frames = sample.permute({0, 2, 1, 3, 4}).reshape({B * F, C, H, W});
  auto out = forward_frames(frames, F, timestep, encoder_hidden_states, motion_hidden_states);
  return out.reshape({B, F, out.size(1), H, W}).permute({0, 2, 1, 3, 4});
}

void UNetMotionModelImpl::load_motion_modules(const MotionAdapter& adapter) {
  config_.check_adapter(adapter->config());
  auto view = adapter_view(*this);
  LoadOptions o;
  o.what = "motion adapter";
  load_state_dict(*view, state_of(*adapter), o);
}

UNetMotionModel from_unet_and_adapter(const UNet2DConditionModel& unet, const MotionAdapter& adapter) {
  UNetMotionModel model(unet, UNetMotionConfig::from_unet_and_adapter(unet->config(), adapter->config()));
  // The new motion modules follow the UNet's device and dtype, as diffusers' from_unet2d does.
  model->to(unet->conv_in->weight.device(), unet->conv_in->weight.scalar_type());
  model->load_motion_modules(adapter);
  model->eval();
  return model;
}

}  // namespace gen::nn
