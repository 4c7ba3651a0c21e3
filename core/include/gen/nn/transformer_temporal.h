// AnimateDiff's motion module: diffusers' TransformerTemporalModel as its motion blocks
// build it. Every pixel of a video becomes a sequence over the frames; self-attention
// along that sequence is what moves information between frames.
//   [B*F, C, H, W] -> GroupNorm over [B, C, F, H, W] (statistics span all frames)
//   -> tokens [B*H*W, F, C] -> proj_in -> blocks -> proj_out -> [B*F, C, H, W] + input.
// Registered names equal diffusers' (norm, proj_in, transformer_blocks.i.{norm1, attn1,
// norm2, attn2, norm3, ff, pos_embed.pe}, proj_out); gen's optional 3D convolution block
// adds temporal_conv.{norm1, conv1, norm2, conv2}, its pixel positions spatial_pos.
#pragma once
#include <string>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/types.h>

#include <gen/export.h>
#include <gen/nn/attention.h>
#include <gen/nn/temporal_conv.h>
#include <gen/nn/transformer_2d.h>

namespace gen::nn {

// Fixed sinusoidal frame positions added to [N, F, C] tokens (diffusers'
// SinusoidalPositionalEmbedding): pe[p, 2i] = sin(p w_i), pe[p, 2i+1] = cos(p w_i),
// w_i = exp(-2i ln(10000) / C), computed in float32 as torch does. `pe` is a buffer
// [1, max_seq_length, C] because diffusers checkpoints store it; loading overwrites it.
class GEN_API SinusoidalPositionalEmbeddingImpl : public torch::nn::Module {
 public:
  SinusoidalPositionalEmbeddingImpl(int64_t embed_dim, int64_t max_seq_length);
  torch::Tensor forward(const torch::Tensor& x);  // x [N, F, C] with F <= max_seq_length

  torch::Tensor pe;
};
TORCH_MODULE(SinusoidalPositionalEmbedding);

// The architecture of one motion module; `channels` is the width of the UNet level.
struct TemporalTransformerOptions {
  int64_t channels = 0;
  int64_t heads = 8;              // motion_num_attention_heads; head width = channels / heads
  int64_t norm_num_groups = 32;   // the GroupNorm before proj_in
  int64_t max_seq_length = 32;    // rows of pe: the longest clip the module accepts
  int64_t layers = 1;             // transformer blocks (every AnimateDiff module has one)
  // 0: AnimateDiff's double self-attention. > 0: attn2 attends to the text context of
  // this width instead (diffusers' TransformerTemporalModel with cross_attention_dim and
  // double_self_attention off) — gen's default video model uses it so the motion module
  // reads motion words ("moving left") that the frozen image UNet never learnt.
  int64_t cross_attention_dim = 0;
  // 0: AnimateDiff's module. > 0: a residual 3x3x3 convolution block of width
  // channels / conv3d_reduction after the transformer (gen's extension, temporal_conv.h).
  int64_t conv3d_reduction = 0;
  // true: each token also gets a learnt projection of where its pixel is in the picture
  // (spatial_positions.h), added after proj_in (gen's extension).
  bool spatial_positions = false;
};

// Throws gen::ModelError, prefixed with `where`, for options no module can be built with
// (width not divisible by the heads or the norm groups, odd width, no positions).
GEN_API void check_temporal_options(const TemporalTransformerOptions& o, const std::string& where = "motion module");

// diffusers' BasicTransformerBlock as the motion modules configure it (double self-
// attention, sinusoidal positions, no attention biases): positions are added to the
// normalised input of both attentions, not to the residual stream.
//   h += attn1(pos(norm1(h)));  h += attn2(pos(norm2(h)) [, text]);  h += ff(norm3(h))
class GEN_API TemporalTransformerBlockImpl : public torch::nn::Module {
 public:
  explicit TemporalTransformerBlockImpl(const TemporalTransformerOptions& o);
  // x [N, F, C] with N = clips * locations, the locations of a clip consecutive;
  // context [clips, M, D]: the text of each clip (used only with cross_attention_dim).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context = {});

  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr}, norm3{nullptr};
  Attention attn1{nullptr}, attn2{nullptr};
  FeedForward ff{nullptr};
  SinusoidalPositionalEmbedding pos_embed{nullptr};

 private:
  int64_t heads_;
  bool cross_;
};
TORCH_MODULE(TemporalTransformerBlock);

class GEN_API TransformerTemporalModelImpl : public torch::nn::Module {
 public:
  explicit TransformerTemporalModelImpl(const TemporalTransformerOptions& o);
  // x [B*F, C, H, W], frames of one video consecutive -> the same shape. context: the
  // text, [B, M, D] or per frame [B*F, M, D]; needed only with cross_attention_dim.
  torch::Tensor forward(const torch::Tensor& x, int64_t num_frames, const torch::Tensor& context = {});

  const TemporalTransformerOptions& options() const { return o_; }

  torch::nn::GroupNorm norm{nullptr};
  torch::nn::Linear proj_in{nullptr}, proj_out{nullptr};
  torch::nn::ModuleList transformer_blocks{nullptr};
  TemporalConvBlock temporal_conv{nullptr};  // registered only with conv3d_reduction > 0
  torch::nn::Linear spatial_pos{nullptr};    // registered only with spatial_positions

 private:
  TemporalTransformerOptions o_;
};
TORCH_MODULE(TransformerTemporalModel);

// Self-attention of `attn` (to_q/k/v, to_out.0) over many short sequences x [N, F, C]:
// batched matrix products over chunks of sequences. The general attention path loops
// over every (sequence, head) pair, which for B*H*W sequences of 16 frames is ~10^5
// tiny products per layer. Differentiable.
GEN_API torch::Tensor short_sequence_self_attention(AttentionImpl& attn, const torch::Tensor& x, int64_t heads);

// Cross-attention of `attn` from x [clips * L, F, C] to context [clips, M, D], where the
// L sequences of a clip share its context: queries never interact, so each clip's
// L * F queries attend to its M keys in one product instead of L repeated contexts.
GEN_API torch::Tensor clip_cross_attention(AttentionImpl& attn, const torch::Tensor& x, const torch::Tensor& context,
                                           int64_t heads);

}  // namespace gen::nn
