#include "point_classifier.h"

#include <nlohmann/json.hpp>
#include <torch/nn/functional/activation.h>

#include <gen/error.h>

namespace gen::solids {

nlohmann::json PointClassifierArchitecture::to_json() const {
  return {{"widths", widths}, {"hidden", hidden}, {"shapes", shapes}};
}

PointClassifierArchitecture PointClassifierArchitecture::from_json(const nlohmann::json& j) {
  PointClassifierArchitecture a;
  try {
    a.widths = j.at("widths").get<std::vector<int64_t>>();
    a.hidden = j.at("hidden").get<int64_t>();
    a.shapes = j.at("shapes").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("point classifier architecture: ") + e.what());
  }
  if (a.widths.empty() || a.widths.size() > 8 || a.hidden < 1 || a.hidden > 4096 || a.shapes.size() < 2)
    throw InputError("point classifier architecture: widths, hidden or shapes out of range");
  for (auto w : a.widths)
    if (w < 1 || w > 4096) throw InputError("point classifier architecture: a width is out of range");
  return a;
}

PointClassifierImpl::PointClassifierImpl(PointClassifierArchitecture a) : architecture(std::move(a)) {
  int64_t in = 3;
  for (auto w : architecture.widths) {
    per_point_->push_back(torch::nn::Linear(in, w));
    in = w;
  }
  register_module("per_point", per_point_);
  hidden_ = register_module("hidden", torch::nn::Linear(in, architecture.hidden));
  logits_ = register_module("logits", torch::nn::Linear(architecture.hidden, static_cast<int64_t>(architecture.shapes.size())));
}

std::pair<torch::Tensor, torch::Tensor> PointClassifierImpl::forward(const torch::Tensor& points) {
  auto x = points;
  for (const auto& layer : *per_point_) x = torch::relu(layer->as<torch::nn::Linear>()->forward(x));
  const auto embedding = std::get<0>(x.max(1));
  return {embedding, logits_->forward(torch::relu(hidden_->forward(embedding)))};
}

torch::Tensor normalise_for_judge(const torch::Tensor& xyz) {
  const auto lo = std::get<0>(xyz.min(0)), hi = std::get<0>(xyz.max(0));
  return (xyz - (lo + hi) / 2) / (hi - lo).max().clamp_min(1e-6);
}

}  // namespace gen::solids
