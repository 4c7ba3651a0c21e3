// A caption as MDM's condition: the tower's pooled feature (MDM's), and with gen's
// text tokens its per-token states with a mask of the real ones.
#include "motion_mdm.h"

namespace motion_mdm {

torch::Tensor text_token_mask(const torch::Tensor& ids, int64_t eos_id) {
  // CLIP pads with EOS: the real tokens run up to and including the first one.
  const auto is_eos = (ids == eos_id).to(torch::kLong);
  return (is_eos.cumsum(1) - is_eos) == 0;
}

gen::Conditioning text_condition(gen::nn::ClipTextEmbedderImpl& tower, const torch::Tensor& ids, int64_t eos_id,
                                 bool tokens) {
  gen::Conditioning c;
  if (!tokens) {
    c.pooled = tower.forward(ids);
    return c;
  }
  auto encoding = tower.encode(ids);
  c.pooled = encoding.pooled;
  c.context = encoding.states;
  c.extra["text_mask"] = text_token_mask(ids, eos_id);
  return c;
}

gen::Conditioning null_text_condition(const gen::Conditioning& cond) {
  gen::Conditioning c;
  c.pooled = torch::zeros({1, cond.pooled.size(1)});  // MDM's unconditional: a zero text feature
  if (cond.context.defined()) {
    c.context = torch::zeros({1, cond.context.size(1), cond.context.size(2)});
    c.extra["text_mask"] = torch::zeros({1, cond.context.size(1)}, torch::kBool);  // every token hidden
  }
  return c;
}

}  // namespace motion_mdm
