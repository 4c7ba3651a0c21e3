// Where the time of a UNet step goes, part by part: every ResNet block, spatial
// transformer (self- and cross-attention, feed-forward) and motion module of a
// UNet2DConditionModel or UNetMotionModel runs alone on an input of the shape it gets
// inside the step, timed and FLOP-counted (gen/bench/flop_counter.h). Alone, because
// LibTorch's C++ modules have no forward hooks and the networks have no timing points of
// their own; the step's time minus the parts' is what the rest takes (conv_in/conv_out,
// time embedding, resamplers, skip concatenation).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/types.h>

#include <gen/export.h>

namespace gen::bench {

struct UNetPartsInput {
  int64_t images = 0;     // images through the spatial layers: clips x frames
  int64_t frames = 1;     // frames per clip (what the motion modules attend across)
  int64_t latent = 0;     // side of the latent at the UNet's input
  torch::Tensor context;  // [images, tokens, cross_attention_dim]: what the spatial transformers attend to
};

// The modules of one kind at one feature-map side.
struct UNetPart {
  std::string kind;  // "resnet", "attention" (Transformer2DModel) or "motion" (TransformerTemporalModel)
  int64_t side = 0;  // of the feature map they work on
  int64_t modules = 0;
  double flops = 0;  // exact, counted on one run of each module
  double ms = 0;     // sum over the modules of each one's best of `repeats` runs
};

// The parts of `unet` (registered under diffusers' names: down_blocks.i, mid_block,
// up_blocks.i), ordered by kind as above, then from the largest side to the smallest.
// Each module runs once counted, then `repeats` times timed, under InferenceMode.
// Assumes SD's layout, in which every stage but the last halves the map, so `latent`
// must be a multiple of 2^(stages - 1). Throws gen::Error for a module without down_blocks.
GEN_API std::vector<UNetPart> measure_unet_parts(torch::nn::Module& unet, const UNetPartsInput& input, int repeats);

}  // namespace gen::bench
