#include <gen/nn/attention.h>

#include <algorithm>
#include <cmath>

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

}  // namespace

torch::Tensor multi_head_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                   const AttentionCall& call) {
  const int64_t B = q.size(0), N = q.size(1), M = k.size(1), heads = call.heads;
  const int64_t d = q.size(2) / heads;
  if (d * heads != q.size(2)) throw UsageError("attention width is not divisible by the number of heads");
  const double scale = call.scale > 0 ? call.scale : 1.0 / std::sqrt(static_cast<double>(d));
  // [B, T, h*d] -> [B, h, T, d]
  auto split = [&](const torch::Tensor& t) { return t.reshape({B, t.size(1), heads, d}).permute({0, 2, 1, 3}); };
  auto qh = split(q), kh = split(k), vh = split(v);
  const bool upcast = call.upcast && q.scalar_type() != torch::kFloat32 && q.scalar_type() != torch::kFloat64;
  auto mask = normalise_mask(call.mask);

  // Chunk sizes: as many heads as fit the budget, and if one head does not fit, fewer queries.
  const int64_t budget = std::max<int64_t>(call.max_score_elements, 1);
  const int64_t head_chunk = std::clamp<int64_t>(budget / std::max<int64_t>(N * M, 1), 1, heads);
  const int64_t query_chunk = std::clamp<int64_t>(budget / std::max<int64_t>(M, 1), 1, N);

  auto out = torch::empty({B, heads, N, d}, vh.options());
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t h0 = 0; h0 < heads; h0 += head_chunk) {
      const int64_t hn = std::min(head_chunk, heads - h0);
      auto kb = kh[b].narrow(0, h0, hn), vb = vh[b].narrow(0, h0, hn);
      if (upcast) kb = kb.to(torch::kFloat32);
      for (int64_t q0 = 0; q0 < N; q0 += query_chunk) {
        const int64_t qn = std::min(query_chunk, N - q0);
        auto qb = qh[b].narrow(0, h0, hn).narrow(1, q0, qn);
        if (upcast) qb = qb.to(torch::kFloat32);
        auto scores = torch::matmul(qb, kb.transpose(-1, -2)) * scale;  // [hn, qn, M]
        if (mask.defined()) scores = scores + mask_slice(mask, b, h0, hn, q0, qn).to(scores.scalar_type());
        auto probs = torch::softmax(scores, -1).to(vb.scalar_type());
        out[b].narrow(0, h0, hn).narrow(1, q0, qn).copy_(torch::matmul(probs, vb));
      }
    }
  }
  return out.permute({0, 2, 1, 3}).reshape({B, N, heads * d});
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
