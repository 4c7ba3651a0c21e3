// The 3D judges' network (internal to gen_solids): a PointNet (Qi et al. 2017) — one
// MLP shared by every point, a max over the points, an MLP to the shape logits — whose
// pooled features are the fixed embedding set distances can be measured in. Trained
// from scratch on real clouds of the solids world only (solid_judge_training.cpp).
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>

namespace gen::solids {

struct PointClassifierArchitecture {
  std::vector<int64_t> widths{64, 128, 256};  // the per-point MLP
  int64_t hidden = 128;                       // the head's hidden layer
  std::vector<std::string> shapes;            // the logits' labels

  nlohmann::json to_json() const;
  // A gen::InputError for missing keys or values out of range.
  static PointClassifierArchitecture from_json(const nlohmann::json& j);
};

// Clouds [B, N, 3], already normalised (normalise_for_judge) -> {embedding [B, widths.back()], logits [B, shapes]}.
class PointClassifierImpl : public torch::nn::Module {
 public:
  explicit PointClassifierImpl(PointClassifierArchitecture a);
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& points);

  PointClassifierArchitecture architecture;

 private:
  torch::nn::ModuleList per_point_;
  torch::nn::Linear hidden_{nullptr}, logits_{nullptr};
};
TORCH_MODULE(PointClassifier);

// A cloud's xyz [N, 3] centred on its bounding box and scaled so its largest side is 1:
// the shape class does not depend on size or position (those are read from geometry).
torch::Tensor normalise_for_judge(const torch::Tensor& xyz);

}  // namespace gen::solids
