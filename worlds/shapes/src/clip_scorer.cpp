#include <gen/shapes/clip_scorer.h>

#include <algorithm>

#include <torch/nn/functional/normalization.h>
#include <torch/nn/functional/upsampling.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/modules/pooling.h>

#include <gen/error.h>
#include <gen/json_file.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/nn/state_dict.h>
#include <gen/safetensors.h>

namespace gen::shapes {

ClipImageEncoderImpl::ClipImageEncoderImpl(int64_t embed_dim) {
  namespace nn = torch::nn;
  nn::Sequential seq;
  const int64_t widths[] = {3, 32, 64, 128, 128};
  for (int i = 0; i < 4; ++i) {  // 64 -> 32 -> 16 -> 8 -> 4 pixels
    seq->push_back(nn::Conv2d(nn::Conv2dOptions(widths[i], widths[i + 1], 3).stride(2).padding(1)));
    seq->push_back(nn::GroupNorm(nn::GroupNormOptions(8, widths[i + 1])));
    seq->push_back(nn::SiLU());
  }
  seq->push_back(nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions(1)));
  seq->push_back(nn::Flatten());
  features = register_module("features", seq);
  projection = register_module("projection", nn::Linear(nn::LinearOptions(128, embed_dim).bias(false)));
}

torch::Tensor ClipImageEncoderImpl::forward(const torch::Tensor& images) {
  return projection(features->forward(images));
}

namespace {

torch::Tensor normalised(const torch::Tensor& x) {
  return torch::nn::functional::normalize(x, torch::nn::functional::NormalizeFuncOptions().dim(1));
}

// Images as a float batch [N, 3, S, S] in [-1, 1], area-resized to the tower's size.
torch::Tensor image_batch(const std::vector<image::Image>& images, int64_t size) {
  std::vector<torch::Tensor> items;
  for (const auto& im : images) {
    auto t = im.pixels.to(torch::kFloat32).permute({2, 0, 1}).unsqueeze(0);
    if (t.size(2) != size || t.size(3) != size)
      t = torch::nn::functional::interpolate(
          t, torch::nn::functional::InterpolateFuncOptions().size(std::vector<int64_t>{size, size}).mode(torch::kArea));
    items.push_back(t / 127.5 - 1);
  }
  return torch::cat(items);
}

}  // namespace

ClipScorer::ClipScorer(const std::filesystem::path& dir)
    : tokenizer_(gen::nn::ClipTokenizer::from_folder(dir / "tokenizer")) {
  const auto vision_dir = dir / "clip_vision";
  auto config = read_json_file(vision_dir / "config.json", "CLIP vision config");
  const int64_t dim = config.value("embed_dim", int64_t{128});
  image_size_ = config.value("image_size", int64_t{64});
  text_ = gen::nn::load_diffusers_text_encoder(dir / "text_encoder");
  vision_ = ClipImageEncoder(dim);
  text_projection_ = torch::nn::Linear(torch::nn::LinearOptions(text_->config().hidden_size, dim).bias(false));
  auto weights = load_safetensors(vision_dir / "model.safetensors");
  torch::nn::Module holder;  // the names the training run saved
  holder.register_module("vision_model", vision_.ptr());
  holder.register_module("text_projection", text_projection_.ptr());
  weights.erase("logit_scale");
  gen::nn::load_state_dict(holder, weights, {true, {}, "CLIP vision weights " + vision_dir.string()});
  vision_->eval();
}

torch::Tensor ClipScorer::image_features(const std::vector<image::Image>& images) {
  torch::NoGradGuard no_grad;
  return normalised(vision_(image_batch(images, image_size_)));
}

torch::Tensor ClipScorer::text_features(const std::vector<std::string>& captions) {
  torch::NoGradGuard no_grad;
  return normalised(text_projection_(text_->forward(caption_ids(tokenizer_, captions)).pooler_output));
}

torch::Tensor ClipScorer::score(const std::vector<image::Image>& images, const std::vector<std::string>& captions) {
  if (images.size() != captions.size()) throw UsageError("CLIP score needs one caption per image");
  return 100 * (image_features(images) * text_features(captions)).sum(1);
}

torch::Tensor caption_ids(const gen::nn::ClipTokenizer& tokenizer, const std::vector<std::string>& captions) {
  std::vector<int64_t> ids;
  for (const auto& c : captions) {
    auto one = tokenizer.encode_padded(c, {77, tokenizer.eos_id()});
    ids.insert(ids.end(), one.begin(), one.end());
  }
  return torch::tensor(ids, torch::kLong).view({static_cast<int64_t>(captions.size()), -1});
}

}  // namespace gen::shapes
