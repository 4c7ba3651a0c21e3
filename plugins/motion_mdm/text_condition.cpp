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
  if (cond.extra.count("frame_text")) {
    const auto& f = cond.extra.at("frame_text");
    c.extra["frame_text"] = torch::zeros({1, f.size(1), f.size(2)});
  }
  return c;
}

torch::Tensor frame_text_features(const std::vector<gen::TravelKeyframe>& keyframes, const torch::Tensor& pooled,
                                  int64_t frames) {
  return torch::matmul(gen::keyframe_weights(keyframes, frames).to(pooled.scalar_type()), pooled);
}

}  // namespace motion_mdm
