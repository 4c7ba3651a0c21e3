#include "judge_networks.h"

#include <nlohmann/json.hpp>
#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/normalization.h>

#include <gen/error.h>
#include <gen/humans/action_labels.h>
#include <gen/humans/judge_features.h>

namespace gen::humans {

namespace F = torch::nn::functional;

namespace {

constexpr double kSlope = 0.2;  // leaky ReLU

torch::Tensor act(const torch::Tensor& x) { return F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(kSlope)); }

// Each motion's mean over `k` equal parts of its first `lengths` frames: [B, C, T] -> [B, C * k].
torch::Tensor segment_means(const torch::Tensor& h, const torch::Tensor& lengths, int k) {
  const int64_t b = h.size(0), t = h.size(2);
  auto weights = torch::zeros({b, t, k});
  const auto len = lengths.accessor<int64_t, 1>();
  for (int64_t i = 0; i < b; ++i)
    for (int s = 0; s < k; ++s) {
      const int64_t lo = s * len[i] / k, hi = std::max((s + 1) * len[i] / k, lo + 1);
      weights[i].narrow(0, lo, hi - lo).select(1, s).fill_(1.0 / static_cast<double>(hi - lo));
    }
  return h.bmm(weights).flatten(1);
}

}  // namespace

torch::Tensor frame_mask(const torch::Tensor& lengths, int64_t frames) {
  return (torch::arange(frames, torch::kInt64).unsqueeze(0) < lengths.unsqueeze(1)).unsqueeze(1).to(torch::kFloat32);
}

MotionConvEncoderImpl::MotionConvEncoderImpl(int in, const JudgeArchitecture& a, int64_t out) : segments_(a.segments) {
  namespace nn = torch::nn;
  convs_ = register_module("convs", nn::ModuleList());
  convs_->push_back(nn::Conv1d(nn::Conv1dOptions(in, a.width, 5).padding(2)));
  convs_->push_back(nn::Conv1d(nn::Conv1dOptions(a.width, a.width, 5).stride(2).padding(2)));
  convs_->push_back(nn::Conv1d(nn::Conv1dOptions(a.width, a.width, 5).stride(2).padding(2)));
  hidden_ = register_module("hidden", nn::Linear(a.width * (a.segments + 1), a.hidden));
  out_ = register_module("out", nn::Linear(a.hidden, out));
}

torch::Tensor MotionConvEncoderImpl::forward(const torch::Tensor& x, const torch::Tensor& lengths) {
  auto h = x;
  auto len = lengths;
  for (size_t i = 0; i < convs_->size(); ++i) {
    h = act(convs_[i]->as<torch::nn::Conv1d>()->forward(h));
    if (i > 0) len = (len + 1).div(2, "floor");  // a stride-2 layer: ceil(L / 2) frames
    h = h * frame_mask(len, h.size(2));
  }
  const auto peak = h.masked_fill(frame_mask(len, h.size(2)) == 0, -1e4).amax(2);
  const auto pooled = torch::cat({segment_means(h, len, segments_), peak}, 1);
  return out_(act(hidden_(pooled)));
}

CaptionEncoderImpl::CaptionEncoderImpl(const JudgeArchitecture& a, int64_t out) {
  namespace nn = torch::nn;
  words_ = register_module("words", nn::Embedding(a.vocabulary, a.text_width));
  positions_ = register_module("positions", nn::Embedding(a.max_words, a.text_width));
  layers_ = register_module("layers", nn::ModuleList());
  for (int i = 0; i < a.text_layers; ++i)
    layers_->push_back(nn::TransformerEncoderLayer(
        nn::TransformerEncoderLayerOptions(a.text_width, a.text_heads).dim_feedforward(2 * a.text_width).dropout(0.1)));
  out_ = register_module("out", nn::Linear(a.text_width, out));
}

torch::Tensor CaptionEncoderImpl::forward(const torch::Tensor& tokens, const torch::Tensor& lengths) {
  const int64_t l = tokens.size(1);
  auto h = words_(tokens) + positions_(torch::arange(l, torch::kInt64)).unsqueeze(0);  // [B, L, E]
  const auto mask = frame_mask(lengths, l).squeeze(1);                                  // [B, L]
  h = h.transpose(0, 1);                                                                // [L, B, E]
  for (const auto& layer : *layers_)
    h = layer->as<torch::nn::TransformerEncoderLayer>()->forward(h, {}, mask == 0);
  const auto mean = (h.transpose(0, 1) * mask.unsqueeze(2)).sum(1) / mask.sum(1, true);
  return out_(mean);
}

JudgeNetworksImpl::JudgeNetworksImpl(const JudgeArchitecture& a) : architecture(a) {
  classifier = register_module("classifier", MotionConvEncoder(kJudgeFeatures, a, label_logit_count()));
  motion_encoder = register_module("motion_encoder", MotionConvEncoder(kJudgeFeatures, a, a.embedding));
  text_encoder = register_module("text_encoder", CaptionEncoder(a, a.embedding));
  feature_mean = register_buffer("feature_mean", torch::zeros({kJudgeFeatures}));
  feature_std = register_buffer("feature_std", torch::ones({kJudgeFeatures}));
}

torch::Tensor JudgeNetworksImpl::normalise(const torch::Tensor& features, const torch::Tensor& lengths) const {
  const auto x = (features - feature_mean.view({1, -1, 1})) / feature_std.view({1, -1, 1});
  return x * frame_mask(lengths, features.size(2));
}

torch::Tensor JudgeNetworksImpl::embed_motions(const torch::Tensor& features, const torch::Tensor& lengths) {
  return F::normalize(motion_encoder(normalise(features, lengths), lengths), F::NormalizeFuncOptions().dim(1));
}

torch::Tensor JudgeNetworksImpl::embed_captions(const torch::Tensor& tokens, const torch::Tensor& lengths) {
  return F::normalize(text_encoder(tokens, lengths), F::NormalizeFuncOptions().dim(1));
}

nlohmann::json JudgeArchitecture::to_json() const {
  return {{"width", width}, {"segments", segments}, {"hidden", hidden}, {"embedding", embedding},
          {"text_width", text_width}, {"text_layers", text_layers}, {"text_heads", text_heads},
          {"max_words", max_words}, {"vocabulary", vocabulary}};
}

JudgeArchitecture JudgeArchitecture::from_json(const nlohmann::json& j) {
  JudgeArchitecture a;
  auto get = [&](const char* key, auto& value, int64_t lo, int64_t hi) {
    if (!j.contains(key) || !j[key].is_number_integer())
      throw InputError(std::string("judge config: \"architecture\" lacks the integer \"") + key + "\"");
    const auto v = j[key].get<int64_t>();
    if (v < lo || v > hi) throw InputError(std::string("judge config: \"") + key + "\" is out of range");
    value = static_cast<std::remove_reference_t<decltype(value)>>(v);
  };
  get("width", a.width, 1, 4096), get("segments", a.segments, 1, 64), get("hidden", a.hidden, 1, 8192);
  get("embedding", a.embedding, 1, 4096), get("text_width", a.text_width, 1, 4096);
  get("text_layers", a.text_layers, 0, 64), get("text_heads", a.text_heads, 1, 64);
  get("max_words", a.max_words, 1, 1024), get("vocabulary", a.vocabulary, 2, 1000000);
  if (a.text_width % a.text_heads != 0) throw InputError("judge config: text_width must divide by text_heads");
  return a;
}

}  // namespace gen::humans
