// The captioned shapes dataset written by `gen data image`, as training batches:
// images in [-1, 1] and, per image, a caption in a freshly drawn phrasing (the
// attributes are stored, so every phrasing of the same scene is available).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

#include <gen/shapes/shapes_dataset.h>

namespace image_ldm {

class ShapesData {
 public:
  // Reads <dir>/<split>.safetensors and <dir>/<split>.jsonl; throws gen::InputError.
  static ShapesData load(const std::filesystem::path& dir, const std::string& split = "train");

  int64_t size() const { return images_.size(0); }
  int64_t image_size() const { return images_.size(1); }
  // Random indices for a batch, drawn from `generator` (exact resume).
  torch::Tensor draw(int64_t batch, at::Generator& generator) const;
  // Images [B, 3, H, W] float in [-1, 1].
  torch::Tensor images(const torch::Tensor& indices) const;
  // One caption per index, the phrasing drawn from `generator`.
  std::vector<std::string> captions(const torch::Tensor& indices, at::Generator& generator) const;
  const gen::shapes::ShapeScene& scene(int64_t i) const { return scenes_.at(static_cast<size_t>(i)); }

 private:
  torch::Tensor images_;  // uint8 [N, H, W, 3]
  std::vector<gen::shapes::ShapeScene> scenes_;
};

// Every word the caption grammar can produce (for the default model's vocabulary).
std::vector<std::string> caption_words();

}  // namespace image_ldm
