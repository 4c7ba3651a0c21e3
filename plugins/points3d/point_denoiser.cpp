#include <gen/error.h>

#include "points3d.h"

namespace points3d {

torch::Tensor PointDenoiser::predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) {
  if (!cond.context.defined()) throw gen::ModelError("points3d needs the caption's token states (Conditioning::context)");
  torch::NoGradGuard no_grad;
  return points3d::predict(model_, x_t, t, cond.context);
}

torch::Tensor predict(PointModel& model, const torch::Tensor& x_t, const torch::Tensor& t, const torch::Tensor& text) {
  if (model.unet) return model.unet->forward(x_t, t, text);
  return model.network->forward(x_t, t, text);
}

}  // namespace points3d
