// float32 exp/log/expm1 of single numbers through libtorch's own kernels, not libm.
// diffusers computes its multistep coefficients on 0-d float32 tensors, and torch's
// vectorised float math (Sleef, or MKL) may differ from libm's by an ulp. One ulp of
// e^-h in DPM++ 2M SDE scales the whole sample, which cost up to 0.7 of the golden
// tolerance; with these every DPM++ golden trajectory is reproduced bit for bit.
#include "samplers.h"

namespace gen::samplers {
namespace {

float apply(torch::Tensor (*op)(const torch::Tensor&), float v) {
  return op(torch::scalar_tensor(v, torch::kFloat32)).item<float>();
}

}  // namespace

float torch_exp(float v) { return apply(torch::exp, v); }
float torch_log(float v) { return apply(torch::log, v); }
float torch_expm1(float v) { return apply(torch::expm1, v); }

}  // namespace gen::samplers
