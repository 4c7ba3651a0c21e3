// CLIP in image space: the image tower of the default model's tiny CLIP (a small
// strided CNN on 64x64 RGB), and a scorer that compares images with captions (CLIP
// score) and image sets with each other (Fréchet distance of their embeddings) in that
// one fixed feature space.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

#include <gen/export.h>
#include <gen/frechet_distance.h>
#include <gen/image/image.h>
#include <gen/nn/clip_text_model.h>
#include <gen/nn/clip_tokenizer.h>

namespace gen::shapes {

class GEN_API ClipImageEncoderImpl : public torch::nn::Module {
 public:
  explicit ClipImageEncoderImpl(int64_t embed_dim = 128);
  torch::Tensor forward(const torch::Tensor& images);  // [B,3,64,64] in [-1,1] -> [B, embed_dim]

 private:
  torch::nn::Sequential features{nullptr};
  torch::nn::Linear projection{nullptr};
};
TORCH_MODULE(ClipImageEncoder);

class GEN_API ClipScorer {
 public:
  // `dir` holds clip_vision/ (vision_model.*, text_projection.weight, logit_scale),
  // text_encoder/ and tokenizer/ — the layout of assets/default-image. Throws InputError.
  explicit ClipScorer(const std::filesystem::path& dir);
  torch::Tensor image_features(const std::vector<image::Image>& images);   // L2-normalised [N, D]
  torch::Tensor text_features(const std::vector<std::string>& captions);  // L2-normalised [N, D]
  // 100 * cosine similarity of each image with its caption.
  torch::Tensor score(const std::vector<image::Image>& images, const std::vector<std::string>& captions);

 private:
  ClipImageEncoder vision_{nullptr};
  torch::nn::Linear text_projection_{nullptr};
  gen::nn::ClipTextModel text_{nullptr};
  gen::nn::ClipTokenizer tokenizer_;
  int64_t image_size_ = 64;
};

// Captions as one id matrix [N, 77], each BOS + tokens + EOS padded with EOS (the
// SD-1 framing every model of this project was trained with).
GEN_API torch::Tensor caption_ids(const gen::nn::ClipTokenizer& tokenizer, const std::vector<std::string>& captions);

// Fréchet distance between Gaussians fitted to two sets of features [N, D] (gen/frechet_distance.h).
using gen::frechet_distance;

}  // namespace gen::shapes
