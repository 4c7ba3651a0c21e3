#include <gen/nn/mdm_blocks.h>

#include <string>

#include <torch/nn/modules/activation.h>

#include <gen/error.h>
#include <gen/nn/timestep_embedding.h>

#include "nn/nn_util.h"

namespace gen::nn {
namespace {

std::string number(double v) {
  auto s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// One min/max pass: a position past the table would silently read garbage or throw
// an index error deep inside torch; NaN fails both comparisons and is caught too.
void check_positions(const torch::Tensor& positions, int64_t max_len) {
  if (positions.numel() == 0) return;
  const auto p = positions.to(torch::kFloat64);
  const double lo = p.min().item<double>(), hi = p.max().item<double>();
  const double bad = !(lo >= 0) ? lo : hi;
  if (!(lo >= 0) || !(hi <= static_cast<double>(max_len - 1)))
    throw UsageError("timestep " + number(bad) + " is outside MDM's position table [0, " +
                     std::to_string(max_len - 1) + "] (pos_embed_max_len " + std::to_string(max_len) + ")");
}

}  // namespace

MdmPositionalEncodingImpl::MdmPositionalEncodingImpl(int64_t latent_dim, int64_t max_len, double dropout)
    : dropout_(dropout) {
  pe = register_buffer("pe", sinusoidal_position_table(latent_dim, max_len).unsqueeze(1));
}

torch::Tensor MdmPositionalEncodingImpl::forward(const torch::Tensor& seq) {
  const int64_t S = seq.size(1);
  if (S > max_len())
    throw UsageError(std::to_string(S - 1) + " frames and the condition token exceed MDM's " +
                     std::to_string(max_len()) + " positions (pos_embed_max_len)");
  auto out = seq + pe.narrow(0, 0, S).select(1, 0).to(seq.scalar_type());
  return is_training() && dropout_ > 0 ? torch::dropout(out, dropout_, /*train=*/true) : out;
}

torch::Tensor MdmPositionalEncodingImpl::rows(const torch::Tensor& positions) const {
  check_positions(positions, max_len());
  const auto table = pe.select(1, 0);  // [max_len, d]
  const auto p = positions.to(table.device()).reshape({-1});
  if (!torch::isFloatingType(p.scalar_type())) return table.index_select(0, p.to(torch::kInt64));
  // floor in float64 so a float32 t like 999.0 lands on its row with weight exactly 0,
  // where lerp returns the lower row bit for bit.
  const auto lower = p.to(torch::kFloat64).floor();
  const auto weight = (p.to(torch::kFloat64) - lower).to(table.scalar_type()).unsqueeze(1);
  const auto lo = lower.to(torch::kInt64), hi = (lo + 1).clamp_max(max_len() - 1);
  return torch::lerp(table.index_select(0, lo), table.index_select(0, hi), weight);
}

MdmTimestepEmbedderImpl::MdmTimestepEmbedderImpl(int64_t latent_dim, MdmPositionalEncoding shared_positions) {
  sequence_pos_encoder = register_module("sequence_pos_encoder", std::move(shared_positions));
  time_embed = register_module("time_embed", torch::nn::Sequential(detail::linear(latent_dim, latent_dim),
                                                                   torch::nn::SiLU(),
                                                                   detail::linear(latent_dim, latent_dim)));
}

torch::Tensor MdmTimestepEmbedderImpl::forward(const torch::Tensor& timesteps) {
  return time_embed->forward(sequence_pos_encoder->rows(timesteps));
}

MdmInputProcessImpl::MdmInputProcessImpl(int64_t input_feats, int64_t latent_dim) {
  poseEmbedding = register_module("poseEmbedding", detail::linear(input_feats, latent_dim));
}

torch::Tensor MdmInputProcessImpl::forward(const torch::Tensor& x) {
  const int64_t B = x.size(0), F = x.size(3);
  // [B, J, nf, F] -> [B, F, J*nf]: each frame's features in MDM's (joint, feature) order.
  return poseEmbedding(x.permute({0, 3, 1, 2}).reshape({B, F, x.size(1) * x.size(2)}));
}

MdmOutputProcessImpl::MdmOutputProcessImpl(int64_t latent_dim, int64_t njoints, int64_t nfeats)
    : njoints_(njoints), nfeats_(nfeats) {
  poseFinal = register_module("poseFinal", detail::linear(latent_dim, njoints * nfeats));
}

torch::Tensor MdmOutputProcessImpl::forward(const torch::Tensor& h) {
  const int64_t B = h.size(0), F = h.size(1);
  return poseFinal(h).reshape({B, F, njoints_, nfeats_}).permute({0, 2, 3, 1}).contiguous();
}

}  // namespace gen::nn
