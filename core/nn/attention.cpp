#include <gen/nn/attention.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <gen/error.h>

#include "nn/nn_util.h"

namespace gen::nn {
namespace {

// The mask rows that apply to batch item b, heads [h0, h0+hn) and queries [q0, q0+qn).
torch::Tensor mask_slice(const torch::Tensor& mask, int64_t b, int64_t h0, int64_t hn, int64_t q0, int64_t qn) {
  auto m = mask.size(0) == 1 ? mask[0] : mask[b];
  if (m.size(0) != 1) m = m.narrow(0, h0, hn);
  if (m.size(1) != 1) m = m.narrow(1, q0, qn);
  return m;
}

torch::Tensor normalise_mask(const torch::Tensor& mask) {
  if (!mask.defined()) return mask;
  auto m = mask;
  while (m.dim() < 4) m = m.unsqueeze(0);
  if (m.dim() != 4) throw UsageError("attention mask must have at most 4 dimensions");
  return m;
}

// The mask for every batch item, heads [h0, h0+hn) and queries [q0, q0+qn).
torch::Tensor mask_slice_batched(const torch::Tensor& mask, int64_t h0, int64_t hn, int64_t q0, int64_t qn) {
  auto m = mask;
  if (m.size(1) != 1) m = m.narrow(1, h0, hn);
  if (m.size(2) != 1) m = m.narrow(2, q0, qn);
  return m;
}

// Inference path. One (batch, head) pair at a time, queries in blocks of at most 256
// rows: a 256 x 4096 score block (4 MiB) stays in cache where a whole 4096 x 4096
// head (64 MiB) streams from memory on every pass. The scale is folded into q (no pass
// over the scores) and each block's result is written in place (no copy). Twice as
// fast as chunking whole heads on SD-1.5 (docs/benchmarks.md), but `out=` kernels have
// no autograd, so training takes attention_chunked.
torch::Tensor attention_blocked(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                const AttentionCall& call, double scale, const torch::Tensor& mask) {
  const int64_t B = q.size(0), N = q.size(1), M = k.size(1), heads = call.heads, d = q.size(2) / heads;
  const bool upcast = call.upcast && q.scalar_type() != torch::kFloat32 && q.scalar_type() != torch::kFloat64;
  const auto score_type = upcast ? torch::kFloat32 : q.scalar_type();
  auto split = [&](const torch::Tensor& t) {  // [B, T, h*d] -> [B*h, T, d]
    return t.reshape({B, t.size(1), heads, d}).permute({0, 2, 1, 3}).reshape({B * heads, t.size(1), d});
  };
  auto qh = split(q.to(score_type) * scale).contiguous();
  auto kt = split(k.to(score_type)).transpose(1, 2).contiguous();  // [B*h, d, M]
  auto vh = split(v).contiguous();
  const int64_t budget = std::max<int64_t>(call.max_score_elements, 1);
  const int64_t rows = std::clamp<int64_t>(budget / std::max<int64_t>(M, 1), 1, std::min<int64_t>(N, 256));
  auto out = torch::empty({B * heads, N, d}, vh.options());
  auto scores = torch::empty({rows, M}, qh.options()), probs = torch::empty({rows, M}, qh.options());
  for (int64_t bh = 0; bh < B * heads; ++bh) {
    const int64_t b = bh / heads, h = bh % heads;
    for (int64_t q0 = 0; q0 < N; q0 += rows) {
      const int64_t n = std::min(rows, N - q0);
      auto s = scores.narrow(0, 0, n), p = probs.narrow(0, 0, n);
      at::mm_out(s, qh[bh].narrow(0, q0, n), kt[bh]);
      if (mask.defined()) s.add_(mask_slice(mask, b, h, 1, q0, n)[0].to(score_type));
      at::_softmax_out(p, s, -1, false);
      auto o = out[bh].narrow(0, q0, n);
      at::mm_out(o, upcast ? p.to(vh.scalar_type()) : p, vh[bh]);
    }
  }
  return out.reshape({B, heads, N, d}).permute({0, 2, 1, 3}).reshape({B, N, heads * d});
}

// Score blocks of the training path stay below glibc's largest mmap threshold (32 MiB):
// bigger blocks are mmapped and unmapped on every step, and the page faults of mapping
// them afresh took half of the time of a training step of the default model.
constexpr int64_t kTrainingScoreElements = int64_t(1) << 22;

// Training path: differentiable; as many heads as fit the budget, and if one head does
// not fit, fewer queries.
torch::Tensor attention_chunked(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                const AttentionCall& call, double scale, const torch::Tensor& mask) {
  const int64_t B = q.size(0), N = q.size(1), M = k.size(1), heads = call.heads, d = q.size(2) / heads;
  auto split = [&](const torch::Tensor& t) { return t.reshape({B, t.size(1), heads, d}).permute({0, 2, 1, 3}); };
  auto qh = split(q * scale), kh = split(k), vh = split(v);  // scaling q is cheaper than scaling the scores
  const bool upcast = call.upcast && q.scalar_type() != torch::kFloat32 && q.scalar_type() != torch::kFloat64;
  const int64_t budget = std::clamp<int64_t>(call.max_score_elements, 1, kTrainingScoreElements);
  const int64_t head_chunk = std::clamp<int64_t>(budget / std::max<int64_t>(B * N * M, 1), 1, heads);
  const int64_t query_chunk = std::clamp<int64_t>(budget / std::max<int64_t>(B * M, 1), 1, N);
  std::vector<torch::Tensor> per_head;
  for (int64_t h0 = 0; h0 < heads; h0 += head_chunk) {
    const int64_t hn = std::min(head_chunk, heads - h0);
    auto kb = kh.narrow(1, h0, hn), vb = vh.narrow(1, h0, hn);
    if (upcast) kb = kb.to(torch::kFloat32);
    std::vector<torch::Tensor> per_query;
    for (int64_t q0 = 0; q0 < N; q0 += query_chunk) {
      const int64_t qn = std::min(query_chunk, N - q0);
      auto qb = qh.narrow(1, h0, hn).narrow(2, q0, qn);
      if (upcast) qb = qb.to(torch::kFloat32);
      auto scores = torch::matmul(qb, kb.transpose(-1, -2));  // [B, hn, qn, M]
      if (mask.defined()) scores = scores + mask_slice_batched(mask, h0, hn, q0, qn).to(scores.scalar_type());
      per_query.push_back(torch::matmul(torch::softmax(scores, -1).to(vb.scalar_type()), vb));
    }
    per_head.push_back(torch::cat(per_query, 2));
  }
  return torch::cat(per_head, 1).permute({0, 2, 1, 3}).reshape({B, N, heads * d});
}

}  // namespace

torch::Tensor multi_head_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                   const AttentionCall& call) {
  const int64_t heads = call.heads;
  const int64_t d = q.size(2) / heads;
  if (d * heads != q.size(2)) throw UsageError("attention width is not divisible by the number of heads");
  const double scale = call.scale > 0 ? call.scale : 1.0 / std::sqrt(static_cast<double>(d));
  auto mask = normalise_mask(call.mask);
  const bool grad = torch::GradMode::is_enabled() && (q.requires_grad() || k.requires_grad() || v.requires_grad());
  return grad ? attention_chunked(q, k, v, call, scale, mask) : attention_blocked(q, k, v, call, scale, mask);
}

AttentionImpl::AttentionImpl(const AttentionOptions& o) : o_(o) {
  using namespace detail;
  const int64_t inner = o.heads * o.dim_head;
  const int64_t kv_dim = o.cross_attention_dim > 0 ? o.cross_attention_dim : o.query_dim;
  if (o.norm_num_groups > 0)
    group_norm = register_module("group_norm", detail::group_norm(o.norm_num_groups, o.query_dim, o.norm_eps));
  to_q = register_module("to_q", linear(o.query_dim, inner, o.qkv_bias));
  to_k = register_module("to_k", linear(kv_dim, inner, o.qkv_bias));
  to_v = register_module("to_v", linear(kv_dim, inner, o.qkv_bias));
  to_out = register_module("to_out", torch::nn::ModuleList(linear(inner, o.query_dim)));
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
  const bool spatial = x.dim() == 4;
  int64_t B = x.size(0), C = 0, H = 0, W = 0;
  auto h = x;
  if (spatial) {
    C = x.size(1), H = x.size(2), W = x.size(3);
    h = x.reshape({B, C, H * W}).transpose(1, 2);
  }
  if (group_norm) h = group_norm(h.transpose(1, 2)).transpose(1, 2);
  const auto& ctx = context.defined() ? context : h;
  AttentionCall call;
  call.heads = o_.heads;
  call.upcast = o_.upcast_attention;
  auto a = multi_head_attention(to_q(h), to_k(ctx), to_v(ctx), call);
  a = to_out[0]->as<torch::nn::Linear>()->forward(a);
  if (spatial) a = a.transpose(1, 2).reshape({B, C, H, W});
  if (o_.residual_connection) a = a + x;
  return a;
}

}  // namespace gen::nn
