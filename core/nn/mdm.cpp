#include <gen/nn/mdm.h>

#include <cmath>
#include <string>

#include <gen/error.h>
#include <gen/nn/timestep_embedding.h>

#include "nn/nn_util.h"

namespace gen::nn {
namespace {

std::string shape_text(const torch::Tensor& t) { return shape_string(t.sizes()); }

void check_frame_mask(const torch::Tensor& frame_mask, int64_t batch, int64_t frames) {
  if (frame_mask.dim() != 2 || frame_mask.size(0) != batch || frame_mask.size(1) != frames)
    throw UsageError("MDM frame mask must be [" + std::to_string(batch) + ", " + std::to_string(frames) + "], got " +
                     shape_text(frame_mask));
}

}  // namespace

// Registration order is MDM's __init__ order, so named_parameters() lists the tensors
// as PyTorch does.
MdmTransformerImpl::MdmTransformerImpl(const MdmConfig& config) : config_(config) {
  config_.validate();
  const int64_t d = config_.latent_dim;
  input_process_ = register_module("input_process", MdmInputProcess(config_.input_feats(), d));
  sequence_pos_encoder_ = register_module(
      "sequence_pos_encoder", MdmPositionalEncoding(d, config_.pos_embed_max_len, config_.dropout));
  seqTransEncoder_ = register_module("seqTransEncoder", TransformerEncoder(config_.encoder_options()));
  // The timestep embedder holds the same position table (one tensor, two names).
  embed_timestep_ = register_module("embed_timestep", MdmTimestepEmbedder(d, sequence_pos_encoder_));
  embed_text_ = register_module("embed_text", detail::linear(config_.clip_dim, d));
  output_process_ = register_module("output_process", MdmOutputProcess(d, config_.njoints, config_.nfeats));
  if (config_.text_tokens_dim > 0)
    embed_text_tokens_ = register_module("embed_text_tokens", detail::linear(config_.text_tokens_dim, d));
  if (config_.frame_progress)
    embed_progress_ = register_module("embed_progress", detail::linear(2 * kProgressFrequencies, d));
}

void MdmTransformerImpl::check_inputs(const torch::Tensor& x, const torch::Tensor& text_embed) const {
  if (x.dim() != 4 || x.size(1) != config_.njoints || x.size(2) != config_.nfeats)
    throw UsageError("MDM input must be [B, " + std::to_string(config_.njoints) + ", " +
                     std::to_string(config_.nfeats) + ", frames], got " + shape_text(x));
  if (x.size(3) == 0) throw UsageError("MDM input has no frames");
  if (!text_embed.defined() || text_embed.dim() != 2 || text_embed.size(0) != x.size(0) ||
      text_embed.size(1) != config_.clip_dim)
    throw UsageError("MDM text feature must be [" + std::to_string(x.size(0)) + ", " +
                     std::to_string(config_.clip_dim) + "], got " +
                     (text_embed.defined() ? shape_text(text_embed) : std::string("none")));
}

// MDM's src_key_padding_mask: the condition token is always a valid key, frames are
// padding where the mask says invalid.
torch::Tensor MdmTransformerImpl::key_padding(const torch::Tensor& frame_mask, int64_t batch, int64_t frames) const {
  check_frame_mask(frame_mask, batch, frames);
  auto valid = frame_mask.to(torch::kBool);
  auto token = torch::zeros({batch, 1}, valid.options());
  return torch::cat({token, valid.logical_not()}, 1);
}

torch::Tensor MdmTransformerImpl::progress(const torch::Tensor& frame_mask, int64_t batch, int64_t frames) {
  torch::Tensor length = torch::full({batch, 1}, frames, torch::kFloat);
  if (frame_mask.defined()) {
    check_frame_mask(frame_mask, batch, frames);
    length = frame_mask.to(torch::kBool).sum(1, true).to(torch::kFloat);
  }
  const auto device = embed_progress_->weight.device();
  auto p = torch::arange(frames, torch::kFloat).unsqueeze(0) / (length - 1).clamp_min(1);  // [B, F]
  p = p.clamp(0, 1).to(device);
  const auto k = torch::arange(1, kProgressFrequencies + 1, torch::TensorOptions(torch::kFloat).device(device));
  const auto angle = p.unsqueeze(-1) * (k * M_PI);  // [B, F, K]
  return embed_progress_(torch::cat({angle.sin(), angle.cos()}, -1));
}

torch::Tensor MdmTransformerImpl::frame_condition(const torch::Tensor& emb, const torch::Tensor& time,
                                                  const torch::Tensor& frame_text, const torch::Tensor& uncond,
                                                  int64_t frames) {
  if (!frame_text.defined()) return emb.unsqueeze(1);
  const int64_t batch = emb.size(0);
  if (frame_text.dim() != 3 || frame_text.size(0) != batch || frame_text.size(1) != frames ||
      frame_text.size(2) != config_.clip_dim)
    throw UsageError("MDM frame text must be [" + std::to_string(batch) + ", " + std::to_string(frames) + ", " +
                     std::to_string(config_.clip_dim) + "], got " + shape_text(frame_text));
  auto text = frame_text.to(emb.device(), emb.scalar_type());
  if (uncond.defined()) text = text.masked_fill(uncond.reshape({-1, 1, 1}).to(text.device(), torch::kBool), 0.0);
  return embed_text_(text) + time.unsqueeze(1);
}

torch::Tensor MdmTransformerImpl::embed_timestep(const torch::Tensor& timesteps) {
  return embed_timestep_(timesteps);
}

torch::Tensor MdmTransformerImpl::embed_text(const torch::Tensor& text_embed, const torch::Tensor& uncond) {
  if (!uncond.defined()) return embed_text_(text_embed);
  if (uncond.numel() != text_embed.size(0))
    throw UsageError("MDM uncond must have one entry per batch item (" + std::to_string(text_embed.size(0)) +
                     "), got " + shape_text(uncond));
  // Exactly MDM's mask_cond(force_mask): the feature becomes zeros, the bias remains.
  return embed_text_(text_embed.masked_fill(uncond.reshape({-1, 1}).to(text_embed.device(), torch::kBool), 0.0));
}

torch::Tensor MdmTransformerImpl::input_process(const torch::Tensor& x) { return input_process_(x); }

std::pair<torch::Tensor, torch::Tensor> MdmTransformerImpl::text_tokens(const torch::Tensor& states,
                                                                        const torch::Tensor& mask,
                                                                        const torch::Tensor& uncond, int64_t batch) {
  if (!states.defined() || states.dim() != 3 || states.size(0) != batch || states.size(2) != config_.text_tokens_dim)
    throw UsageError("MDM text token states must be [" + std::to_string(batch) + ", tokens, " +
                     std::to_string(config_.text_tokens_dim) + "], got " +
                     (states.defined() ? shape_text(states) : std::string("none")));
  const int64_t L = states.size(1);
  auto real = mask.defined() ? mask.to(states.device(), torch::kBool) : torch::ones({batch, L}, torch::kBool);
  if (real.dim() != 2 || real.size(0) != batch || real.size(1) != L)
    throw UsageError("MDM text mask must be [" + std::to_string(batch) + ", " + std::to_string(L) + "], got " +
                     shape_text(real));
  if (uncond.defined()) real = real.logical_and(uncond.reshape({-1, 1}).to(real.device(), torch::kBool).logical_not());
  // Captions are padded to the tower's length; attention over pads nobody reads is waste.
  const auto order = torch::arange(1, L + 1, torch::kLong).unsqueeze(0);
  const int64_t used = L == 0 ? 0 : (real.to(torch::kLong) * order).max().item<int64_t>();
  return {embed_text_tokens_(states.narrow(1, 0, used)), real.narrow(1, 0, used).logical_not()};
}

torch::Tensor MdmTransformerImpl::forward(const torch::Tensor& x, const torch::Tensor& timesteps,
                                          const torch::Tensor& text_embed, const torch::Tensor& frame_mask,
                                          const torch::Tensor& uncond, const torch::Tensor& text_states,
                                          const torch::Tensor& text_mask, const torch::Tensor& frame_text) {
  check_inputs(x, text_embed);
  if (frame_text.defined() && !config_.cond_every_frame)
    throw UsageError("this MDM reads one caption for all frames (cond_every_frame off): it cannot take per-frame text");
  const int64_t B = x.size(0), F = x.size(3);
  const auto time = embed_timestep(broadcast_timesteps(timesteps, B));
  const auto emb = embed_text(text_embed, uncond) + time;
  auto frames = input_process(x);
  if (config_.cond_every_frame) frames = frames + frame_condition(emb, time, frame_text, uncond, F);
  if (config_.frame_progress) frames = frames + progress(frame_mask, B, F);
  auto seq = sequence_pos_encoder_(torch::cat({emb.unsqueeze(1), frames}, 1));  // [B, 1+F, d]
  auto padding = config_.mask_frames && frame_mask.defined() ? key_padding(frame_mask, B, F) : torch::Tensor();
  if (config_.text_tokens_dim > 0) {
    auto [tokens, hidden] = text_tokens(text_states, text_mask, uncond, B);
    seq = torch::cat({seq, tokens}, 1);  // [B, 1+F+L', d]
    if (!padding.defined()) padding = torch::zeros({B, 1 + F}, torch::kBool);
    padding = torch::cat({padding, hidden.to(padding.device())}, 1);
  }
  seq = seqTransEncoder_(seq, padding);
  return output_process_(seq.narrow(1, 1, F));
}

}  // namespace gen::nn
