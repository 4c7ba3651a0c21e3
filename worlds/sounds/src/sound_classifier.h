// The audio judges' network (internal to gen_sounds): a small CNN over the judges' own
// log-mels (judge_features.h) that reads which source made a sound and how loud it was,
// and whose hidden layer is the fixed embedding the Fréchet distance is measured in.
// Trained from scratch on real renders only (sound_judge_training.cpp).
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>

namespace gen::sounds {

struct SoundClassifierArchitecture {
  std::vector<int64_t> channels{16, 32, 64, 64};  // one 3x3 convolution and a 2x2 max-pool each
  int64_t embedding = 64;
  int64_t mels = 48;
  std::vector<std::string> sources;   // the source head's labels ("piano", "sine", "kick", "kit", ...)
  std::vector<std::string> kinds;     // each source's kind ("note", "tone", "drum", "beat", ...)
  std::vector<std::string> loudness;  // the loudness head's labels

  nlohmann::json to_json() const;
  // A gen::InputError for missing keys or values out of range.
  static SoundClassifierArchitecture from_json(const nlohmann::json& j);
};

struct SoundClassifierOutput {
  torch::Tensor embedding;  // [B, embedding], after the ReLU
  torch::Tensor source;     // logits [B, sources]
  torch::Tensor loudness;   // logits [B, loudness]
};

// Log-mels [B, mels, frames] (raw: the network standardises with its buffers) ->
// every head. The convolutions keep the frequency axis: the mean and maximum over time
// of each pooled band feed the embedding, so a spectral envelope survives, a time shift
// does not matter, and loud and soft differ (no normalisation layer removes the level).
class SoundClassifierImpl : public torch::nn::Module {
 public:
  explicit SoundClassifierImpl(SoundClassifierArchitecture a);
  SoundClassifierOutput forward(const torch::Tensor& log_mel);

  SoundClassifierArchitecture architecture;
  torch::Tensor feature_mean, feature_std;  // scalars, from the training log-mels

 private:
  torch::nn::ModuleList convs_;
  torch::nn::Linear embed_{nullptr}, source_{nullptr}, loudness_{nullptr};
};
TORCH_MODULE(SoundClassifier);

}  // namespace gen::sounds
