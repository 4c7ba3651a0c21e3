#include "sound_classifier.h"

#include <nlohmann/json.hpp>
#include <torch/nn/functional/pooling.h>
#include <torch/nn/modules/conv.h>

#include <gen/error.h>

namespace gen::sounds {

namespace {

std::vector<std::string> strings_at(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_array() || it->empty()) throw InputError(std::string("judge architecture: no \"") + key + "\" list");
  std::vector<std::string> out;
  for (const auto& v : *it) {
    if (!v.is_string()) throw InputError(std::string("judge architecture: \"") + key + "\" must hold strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

int64_t integer_at(const nlohmann::json& j, const char* key, int64_t lo, int64_t hi) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > hi)
    throw InputError(std::string("judge architecture: \"") + key + "\" must be an integer in " + std::to_string(lo) + ".." +
                     std::to_string(hi));
  return it->get<int64_t>();
}

// Frequency rows left after one 2x2 pool per convolution.
int64_t pooled_rows(int64_t mels, size_t layers) {
  for (size_t i = 0; i < layers; ++i) mels /= 2;
  return mels;
}

}  // namespace

nlohmann::json SoundClassifierArchitecture::to_json() const {
  return {{"channels", channels}, {"embedding", embedding}, {"mels", mels},
          {"sources", sources},   {"kinds", kinds},         {"loudness", loudness}};
}

SoundClassifierArchitecture SoundClassifierArchitecture::from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw InputError("judge architecture: not an object");
  SoundClassifierArchitecture a;
  const auto it = j.find("channels");
  if (it == j.end() || !it->is_array() || it->empty() || it->size() > 8) throw InputError("judge architecture: bad \"channels\"");
  a.channels.clear();
  for (const auto& c : *it) {
    if (!c.is_number_integer() || c.get<int64_t>() < 1 || c.get<int64_t>() > 1024)
      throw InputError("judge architecture: \"channels\" must be integers in 1..1024");
    a.channels.push_back(c.get<int64_t>());
  }
  a.embedding = integer_at(j, "embedding", 2, 4096);
  a.mels = integer_at(j, "mels", 1, 1024);
  if (pooled_rows(a.mels, a.channels.size()) < 1) throw InputError("judge architecture: too few mels for the convolutions");
  a.sources = strings_at(j, "sources");
  a.kinds = strings_at(j, "kinds");
  a.loudness = strings_at(j, "loudness");
  if (a.kinds.size() != a.sources.size()) throw InputError("judge architecture: \"kinds\" and \"sources\" differ in length");
  return a;
}

SoundClassifierImpl::SoundClassifierImpl(SoundClassifierArchitecture a) : architecture(std::move(a)) {
  convs_ = register_module("convs", torch::nn::ModuleList());
  int64_t in = 1;
  for (const int64_t c : architecture.channels) {
    convs_->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, c, 3).padding(1)));
    in = c;
  }
  const int64_t rows = pooled_rows(architecture.mels, architecture.channels.size());
  embed_ = register_module("embed", torch::nn::Linear(2 * in * rows, architecture.embedding));
  source_ = register_module("source", torch::nn::Linear(architecture.embedding, static_cast<int64_t>(architecture.sources.size())));
  loudness_ = register_module("loudness",
                              torch::nn::Linear(architecture.embedding, static_cast<int64_t>(architecture.loudness.size())));
  feature_mean = register_buffer("feature_mean", torch::zeros({}));
  feature_std = register_buffer("feature_std", torch::ones({}));
}

SoundClassifierOutput SoundClassifierImpl::forward(const torch::Tensor& log_mel) {
  namespace F = torch::nn::functional;
  if (log_mel.dim() != 3 || log_mel.size(1) != architecture.mels)
    throw UsageError("the audio judge takes log-mels [B, " + std::to_string(architecture.mels) + ", frames]");
  auto x = ((log_mel - feature_mean) / feature_std).unsqueeze(1);
  for (const auto& conv : *convs_) {
    x = torch::relu(conv->as<torch::nn::Conv2d>()->forward(x));
    // A clip shorter than the pooling leaves at least one frame.
    x = F::max_pool2d(x, F::MaxPool2dFuncOptions({2, x.size(3) >= 2 ? 2 : 1}));
  }
  const auto pooled = torch::cat({x.mean(3), std::get<0>(x.max(3))}, 1).flatten(1);  // [B, 2 C rows]
  SoundClassifierOutput out;
  out.embedding = torch::relu(embed_(pooled));
  out.source = source_(out.embedding);
  out.loudness = loudness_(out.embedding);
  return out;
}

}  // namespace gen::sounds
