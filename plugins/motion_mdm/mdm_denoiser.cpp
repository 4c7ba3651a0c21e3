// MDM through the core's Denoiser: the samplers hand [B, 263, F]; MDM takes
// [B, njoints, nfeats, F] with nfeats 1 for HumanML3D features.
#include <gen/error.h>

#include "motion_mdm.h"

namespace motion_mdm {

torch::Tensor MdmDenoiser::predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) {
  if (!cond.pooled.defined()) throw gen::ModelError("MDM needs a text embedding (Conditioning::pooled)");
  torch::NoGradGuard no_grad;
  const int64_t batch = x_t.size(0);
  auto rows = [batch](const torch::Tensor& c) {
    if (!c.defined() || c.size(0) == batch) return c;
    auto sizes = c.sizes().vec();
    sizes[0] = batch;
    return c.expand(sizes);
  };
  auto extra = [&](const char* key) { return cond.extra.count(key) ? rows(cond.extra.at(key)) : torch::Tensor(); };
  if (network_->config().text_tokens_dim > 0 && !cond.context.defined())
    throw gen::ModelError("this MDM reads the text tower's token states (Conditioning::context)");
  return network_->forward(x_t.unsqueeze(2), t, rows(cond.pooled), extra("frame_mask"), {}, rows(cond.context),
                           extra("text_mask"), extra("frame_text"))
      .squeeze(2);
}

}  // namespace motion_mdm
