#include <gen/nn/motion_adapter.h>

#include <gen/error.h>
#include <gen/nn/motion_blocks.h>

namespace gen::nn {
namespace {

// One adapter stage: `layers` motion modules of width `channels`.
MotionModules stage(const MotionAdapterConfig& c, int64_t channels, int64_t layers) {
  TemporalTransformerOptions o;
  o.channels = channels;
  o.heads = c.motion_num_attention_heads;
  o.norm_num_groups = c.motion_norm_num_groups;
  o.max_seq_length = c.motion_max_seq_length;
  o.cross_attention_dim = c.motion_cross_attention_dim;
  o.conv3d_reduction = c.motion_conv3d_reduction;
  o.spatial_positions = c.motion_spatial_positions;
  return MotionModules(make_motion_modules(o, layers));
}

}  // namespace

MotionModulesImpl::MotionModulesImpl(torch::nn::ModuleList modules) {
  motion_modules = register_module("motion_modules", modules);
}

MotionAdapterImpl::MotionAdapterImpl(const MotionAdapterConfig& config) : config_(config) {
  config_.validate();
  const auto& ch = config_.block_out_channels;
  const int64_t layers = config_.motion_layers_per_block;
  down_blocks = register_module("down_blocks", torch::nn::ModuleList());
  for (int64_t c : ch) down_blocks->push_back(stage(config_, c, layers));
  if (config_.use_motion_mid_block)
    mid_block = register_module("mid_block", stage(config_, ch.back(), config_.motion_mid_block_layers_per_block));
  // Up stages run from the deepest level back up and have one more layer (the one that
  // takes the skip of the level's input) than the down stages.
  up_blocks = register_module("up_blocks", torch::nn::ModuleList());
  for (auto c = ch.rbegin(); c != ch.rend(); ++c) up_blocks->push_back(stage(config_, *c, layers + 1));
  if (config_.motion_prompt_travel_dim > 0)
    prompt_travel = register_module("prompt_travel", PromptTravel(config_.motion_prompt_travel_text_dim,
                                                                  config_.prompt_travel_caption_dim(),
                                                                  config_.motion_prompt_travel_dim));
}

torch::nn::ModuleList MotionAdapterImpl::down_motion_modules(size_t i) const {
  return down_blocks->ptr<MotionModulesImpl>(i)->motion_modules;
}

torch::nn::ModuleList MotionAdapterImpl::up_motion_modules(size_t i) const {
  return up_blocks->ptr<MotionModulesImpl>(i)->motion_modules;
}

torch::nn::ModuleList MotionAdapterImpl::mid_motion_modules() const {
  if (!mid_block) throw ModelError("the motion adapter has no mid block (use_motion_mid_block is false)");
  return mid_block->motion_modules;
}

}  // namespace gen::nn
