// Private to dpm_solver*.cpp: the DPM-Solver++ updates, one per order and algorithm.
#pragma once
#include <vector>

#include <torch/types.h>

namespace gen::samplers {

// One step from sigma from[0] down to sigma `to`; from[k] is the level k steps back,
// where the x0 prediction m[k] was made (m newest first, from.size() = order).
struct DpmStep {
  float to = 0;
  std::vector<float> from;
};

// dpmsolver++ (deterministic): DDIM, then the midpoint second- and third-order multistep.
torch::Tensor first_order(const DpmStep& s, const torch::Tensor& x, const std::vector<torch::Tensor>& m);
torch::Tensor second_order(const DpmStep& s, const torch::Tensor& x, const std::vector<torch::Tensor>& m);
torch::Tensor third_order(const DpmStep& s, const torch::Tensor& x, const std::vector<torch::Tensor>& m);
// sde-dpmsolver++: the same data terms with e^{-h} -> e^{-2h} and fresh noise z.
torch::Tensor sde_first_order(const DpmStep& s, const torch::Tensor& x, const std::vector<torch::Tensor>& m,
                              const torch::Tensor& z);
torch::Tensor sde_second_order(const DpmStep& s, const torch::Tensor& x, const std::vector<torch::Tensor>& m,
                               const torch::Tensor& z);

}  // namespace gen::samplers
