#include <gen/error.h>

#include "points3d.h"

namespace points3d {

torch::Tensor PointDenoiser::predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) {
  if (!cond.context.defined()) throw gen::ModelError("points3d needs the caption's token states (Conditioning::context)");
  torch::NoGradGuard no_grad;
  return network_->forward(x_t, t, cond.context);
}

}  // namespace points3d
