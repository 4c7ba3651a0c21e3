#include <gen/nn/transformer_temporal.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gen/error.h>
#include <gen/nn/spatial_positions.h>
#include <gen/nn/timestep_embedding.h>

#include "nn/nn_util.h"

namespace gen::nn {
namespace {

// Score elements per chunk of sequences: 16 MiB of float32 scores at a time.
constexpr int64_t kScoreElementsPerChunk = int64_t(1) << 22;

}  // namespace

void check_temporal_options(const TemporalTransformerOptions& o, const std::string& where) {
  const auto c = std::to_string(o.channels);
  if (o.channels <= 0 || o.channels % 2 != 0)
    throw ModelError(where + ": width " + c + " must be positive and even (sinusoidal positions)");
  if (o.heads <= 0 || o.channels % o.heads != 0)
    throw ModelError(where + ": width " + c + " is not divisible by the motion head count " + std::to_string(o.heads));
  if (o.norm_num_groups <= 0 || o.channels % o.norm_num_groups != 0)
    throw ModelError(where + ": width " + c + " is not divisible by its " + std::to_string(o.norm_num_groups) +
                     " norm groups");
  if (o.max_seq_length <= 0) throw ModelError(where + ": max_seq_length must be positive");
  if (o.layers <= 0) throw ModelError(where + ": needs at least one transformer block");
  if (o.conv3d_reduction < 0 || (o.conv3d_reduction > 0 && o.channels % o.conv3d_reduction != 0))
    throw ModelError(where + ": width " + c + " is not divisible by the 3D convolution's reduction " +
                     std::to_string(o.conv3d_reduction));
}

SinusoidalPositionalEmbeddingImpl::SinusoidalPositionalEmbeddingImpl(int64_t embed_dim, int64_t max_seq_length) {
  pe = register_buffer("pe", sinusoidal_position_table(embed_dim, max_seq_length).unsqueeze(0));
}

torch::Tensor SinusoidalPositionalEmbeddingImpl::forward(const torch::Tensor& x) {
  const int64_t frames = x.size(1);
  if (frames > pe.size(1))
    throw UsageError(std::to_string(frames) + " frames exceed the motion module's " + std::to_string(pe.size(1)) +
                     " positions (max_seq_length)");
  return x + pe.narrow(1, 0, frames).to(x.scalar_type());
}

torch::Tensor short_sequence_self_attention(AttentionImpl& attn, const torch::Tensor& x, int64_t heads) {
  const int64_t N = x.size(0), F = x.size(1), C = x.size(2), d = C / heads;
  auto split = [&](const torch::Tensor& t) {  // [N, F, h*d] -> [N*h, F, d]
    return t.reshape({N, F, heads, d}).permute({0, 2, 1, 3}).reshape({N * heads, F, d});
  };
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  auto q = split(attn.to_q(x) * scale), k = split(attn.to_k(x)), v = split(attn.to_v(x));
  const int64_t rows = std::max<int64_t>(1, kScoreElementsPerChunk / std::max<int64_t>(F * F, 1));
  std::vector<torch::Tensor> parts;
  for (int64_t r0 = 0; r0 < N * heads; r0 += rows) {
    const int64_t n = std::min(rows, N * heads - r0);
    auto scores = torch::bmm(q.narrow(0, r0, n), k.narrow(0, r0, n).transpose(1, 2));
    parts.push_back(torch::bmm(torch::softmax(scores, -1), v.narrow(0, r0, n)));
  }
  auto out = (parts.size() == 1 ? parts[0] : torch::cat(parts, 0))
                 .reshape({N, heads, F, d})
                 .permute({0, 2, 1, 3})
                 .reshape({N, F, C});
  return attn.to_out[0]->as<torch::nn::Linear>()->forward(out);
}

torch::Tensor clip_cross_attention(AttentionImpl& attn, const torch::Tensor& x, const torch::Tensor& context,
                                   int64_t heads) {
  const int64_t N = x.size(0), F = x.size(1), C = x.size(2), clips = context.size(0);
  if (N % clips != 0)
    throw UsageError("motion module: " + std::to_string(N) + " sequences are not a whole number of " +
                     std::to_string(clips) + " clips");
  AttentionCall call;
  call.heads = heads;
  auto q = attn.to_q(x).reshape({clips, N / clips * F, C});
  auto out = multi_head_attention(q, attn.to_k(context), attn.to_v(context), call);
  return attn.to_out[0]->as<torch::nn::Linear>()->forward(out.reshape({N, F, C}));
}

TemporalTransformerBlockImpl::TemporalTransformerBlockImpl(const TemporalTransformerOptions& o)
    : heads_(o.heads), cross_(o.cross_attention_dim > 0) {
  using namespace detail;
  const int64_t dim = o.channels;
  AttentionOptions self;  // no biases on q/k/v (attention_bias=False), to_out keeps its bias
  self.query_dim = dim;
  self.heads = o.heads;
  self.dim_head = dim / o.heads;
  norm1 = register_module("norm1", layer_norm(dim, 1e-5));
  attn1 = register_module("attn1", Attention(self));
  norm2 = register_module("norm2", layer_norm(dim, 1e-5));
  AttentionOptions second = self;
  second.cross_attention_dim = o.cross_attention_dim;
  attn2 = register_module("attn2", Attention(second));
  norm3 = register_module("norm3", layer_norm(dim, 1e-5));
  ff = register_module("ff", FeedForward(dim));
  pos_embed = register_module("pos_embed", SinusoidalPositionalEmbedding(dim, o.max_seq_length));
}

torch::Tensor TemporalTransformerBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
  auto h = short_sequence_self_attention(*attn1, pos_embed(norm1(x)), heads_) + x;
  if (cross_) {
    if (!context.defined()) throw UsageError("this motion module attends to the text but was given no context");
    h = clip_cross_attention(*attn2, pos_embed(norm2(h)), context, heads_) + h;
  } else {
    h = short_sequence_self_attention(*attn2, pos_embed(norm2(h)), heads_) + h;
  }
  return ff(norm3(h)) + h;
}

TransformerTemporalModelImpl::TransformerTemporalModelImpl(const TemporalTransformerOptions& o) : o_(o) {
  using namespace detail;
  check_temporal_options(o);
  const int64_t c = o.channels;
  norm = register_module("norm", group_norm(o.norm_num_groups, c, 1e-6));
  proj_in = register_module("proj_in", linear(c, c));
  transformer_blocks = register_module("transformer_blocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < o.layers; ++i) transformer_blocks->push_back(TemporalTransformerBlock(o));
  proj_out = register_module("proj_out", linear(c, c));
  if (o.spatial_positions) spatial_pos = register_module("spatial_pos", linear(kSpatialFeatures, c));
  if (o.conv3d_reduction > 0)
    temporal_conv = register_module("temporal_conv", TemporalConvBlock(c, o.conv3d_reduction, o.norm_num_groups));
}

torch::Tensor TransformerTemporalModelImpl::forward(const torch::Tensor& x, int64_t num_frames,
                                                    const torch::Tensor& context) {
  if (x.dim() != 4 || x.size(1) != o_.channels)
    throw UsageError("motion module input must be [B*F, " + std::to_string(o_.channels) + ", H, W]");
  if (num_frames <= 0 || x.size(0) % num_frames != 0)
    throw UsageError("motion module: " + std::to_string(x.size(0)) + " images are not a whole number of " +
                     std::to_string(num_frames) + "-frame videos");
  const int64_t F = num_frames, B = x.size(0) / F, C = x.size(1), H = x.size(2), W = x.size(3);
  // GroupNorm sees [B, C, F, H, W], so its statistics cover the whole clip, not one frame.
  auto h = norm(x.reshape({B, F, C, H, W}).permute({0, 2, 1, 3, 4}));
  h = proj_in(h.permute({0, 3, 4, 2, 1}).reshape({B * H * W, F, C}));
  if (spatial_pos) {
    auto where = spatial_pos(spatial_fourier_features(H, W).to(h.scalar_type()));  // [H*W, C]
    h = (h.reshape({B, H * W, F, C}) + where.unsqueeze(1)).reshape({B * H * W, F, C});
  }
  torch::Tensor text;
  if (o_.cross_attention_dim > 0 && context.defined()) {
    if (context.dim() != 3 || context.size(2) != o_.cross_attention_dim ||
        (context.size(0) != B && context.size(0) != B * F))
      throw UsageError("motion module context must be [B, M, " + std::to_string(o_.cross_attention_dim) +
                       "] or [B*F, M, " + std::to_string(o_.cross_attention_dim) + "]");
    // One text per clip: per-frame contexts repeat it, so take each clip's first frame.
    text = context.size(0) == B ? context : context.reshape({B, F, context.size(1), context.size(2)}).select(1, 0);
  }
  for (const auto& block : *transformer_blocks) h = block->as<TemporalTransformerBlock>()->forward(h, text);
  h = proj_out(h).reshape({B, H, W, F, C}).permute({0, 3, 4, 1, 2}).reshape({B * F, C, H, W}) + x;
  if (!temporal_conv) return h;
  h = temporal_conv(h.reshape({B, F, C, H, W}).permute({0, 2, 1, 3, 4}));
  return h.permute({0, 2, 1, 3, 4}).reshape({B * F, C, H, W});
}

}  // namespace gen::nn
