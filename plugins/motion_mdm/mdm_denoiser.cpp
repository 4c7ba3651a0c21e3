// MDM through the core's Denoiser: the samplers hand [B, 263, F]; MDM takes
// [B, njoints, nfeats, F] with nfeats 1 for HumanML3D features.
#include <gen/error.h>

#include "motion_mdm.h"

namespace motion_mdm {

torch::Tensor MdmDenoiser::predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) {
  if (!cond.pooled.defined()) throw gen::ModelError("MDM needs a text embedding (Conditioning::pooled)");
  torch::NoGradGuard no_grad;
  auto text = cond.pooled.size(0) == x_t.size(0) ? cond.pooled : cond.pooled.expand({x_t.size(0), -1});
  auto frame_mask = cond.extra.count("frame_mask") ? cond.extra.at("frame_mask") : torch::Tensor();
  return network_->forward(x_t.unsqueeze(2), t, text, frame_mask).squeeze(2);
}

}  // namespace motion_mdm
