// The judges' networks (internal to gen_humans): a temporal convolution over the judge
// features for motions, a small transformer over caption words for text. Both are the
// judges' own and small (a few hundred thousand parameters each), trained from scratch
// on the humans world's real motions (judge_training.cpp).
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/transformerlayer.h>

#include <nlohmann/json_fwd.hpp>

namespace gen::humans {

struct JudgeArchitecture {
  int width = 96;         // motion encoder channels
  int segments = 4;       // the motion is pooled over this many equal parts of its length (order survives)
  int hidden = 256;       // the motion encoder's last hidden layer
  int embedding = 64;     // the shared text-motion space
  int text_width = 96;    // caption transformer width
  int text_layers = 2;
  int text_heads = 4;
  int max_words = 24;
  int64_t vocabulary = 0; // words + <pad> + <unk>

  nlohmann::json to_json() const;
  static JudgeArchitecture from_json(const nlohmann::json& j);  // InputError on missing keys or values out of range
};

// Judge features [B, C, T] (zeros past each length) -> [B, out]. Three convolutions
// (kernel 5; the last two stride 2), frames past each motion's length zeroed after every
// layer so a motion reads the same in any batch; then the mean over each of `segments`
// equal parts of its length and the maximum over all of it, and an MLP.
class MotionConvEncoderImpl : public torch::nn::Module {
 public:
  MotionConvEncoderImpl(int in, const JudgeArchitecture& a, int64_t out);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& lengths);

 private:
  torch::nn::ModuleList convs_;
  torch::nn::Linear hidden_{nullptr}, out_{nullptr};
  int segments_;
};
TORCH_MODULE(MotionConvEncoder);

// Word tokens [B, L] and lengths [B] -> [B, out]: embeddings plus learned positions,
// a transformer encoder with padding masked, the mean over the words, a projection.
class CaptionEncoderImpl : public torch::nn::Module {
 public:
  CaptionEncoderImpl(const JudgeArchitecture& a, int64_t out);
  torch::Tensor forward(const torch::Tensor& tokens, const torch::Tensor& lengths);

 private:
  torch::nn::Embedding words_{nullptr}, positions_{nullptr};
  torch::nn::ModuleList layers_;
  torch::nn::Linear out_{nullptr};
};
TORCH_MODULE(CaptionEncoder);

// All judges in one module, so one state dict holds them:
//   classifier.*      motion -> action label logits (action_labels.h)
//   motion_encoder.*  motion -> embedding;  text_encoder.*  caption -> embedding
//   feature_mean, feature_std  the judge features' statistics over the training motions
class JudgeNetworksImpl : public torch::nn::Module {
 public:
  explicit JudgeNetworksImpl(const JudgeArchitecture& a);
  const JudgeArchitecture architecture;
  MotionConvEncoder classifier{nullptr}, motion_encoder{nullptr};
  CaptionEncoder text_encoder{nullptr};
  torch::Tensor feature_mean, feature_std;

  // Standardised features, zero past each length (what both motion networks read).
  torch::Tensor normalise(const torch::Tensor& features, const torch::Tensor& lengths) const;
  torch::Tensor embed_motions(const torch::Tensor& features, const torch::Tensor& lengths);  // unit length
  torch::Tensor embed_captions(const torch::Tensor& tokens, const torch::Tensor& lengths);   // unit length
};
TORCH_MODULE(JudgeNetworks);

// [B, 1, T]: 1 for frames before each length.
torch::Tensor frame_mask(const torch::Tensor& lengths, int64_t frames);

}  // namespace gen::humans
