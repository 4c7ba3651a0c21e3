// Per-feature normalization of a motion representation, (x - mean) / std over the last
// dimension, with the statistics stored as safetensors ("mean" and "std", float [D],
// metadata "representation", e.g. "humanml3d-263"). A diffusion model learns normalized
// features; its plugin ships the statistics it was trained with.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

#include <gen/export.h>
#include <gen/motion/humanml_features.h>

namespace gen::motion {

class GEN_API FeatureNormalizer {
 public:
  FeatureNormalizer() = default;
  // mean and std: float [D]; std must be positive and finite (gen::InputError otherwise).
  FeatureNormalizer(torch::Tensor mean, torch::Tensor std, std::string representation = "");

  // Statistics of features [N, D] (N rows from any number of clips, population std).
  // Within each slice the std is replaced by its mean over the slice, as HumanML3D's
  // cal_mean_variance does (so no single coordinate dominates); a slice that does not
  // vary at all gets std 1. Empty `slices`: every feature keeps its own std.
  static FeatureNormalizer fit(const torch::Tensor& features, const std::vector<FeatureSlice>& slices = {},
                               std::string representation = "");

  // Reads what save() wrote; a missing or malformed file is a gen::InputError.
  static FeatureNormalizer load(const std::filesystem::path& path);
  // HumanML3D's Mean.npy and Std.npy (float [263]), as MDM's checkpoints come with them.
  static FeatureNormalizer load_npy(const std::filesystem::path& mean, const std::filesystem::path& std,
                                    std::string representation = "humanml3d-263");
  // Writes atomically.
  void save(const std::filesystem::path& path) const;

  // x [..., D] -> the same shape and dtype.
  torch::Tensor normalize(const torch::Tensor& x) const;
  torch::Tensor denormalize(const torch::Tensor& x) const;

  int64_t size() const { return mean_.defined() ? mean_.size(0) : 0; }
  const torch::Tensor& mean() const { return mean_; }
  const torch::Tensor& std() const { return std_; }
  const std::string& representation() const { return representation_; }

 private:
  void check_input(const torch::Tensor& x) const;
  torch::Tensor mean_, std_;
  std::string representation_;
};

}  // namespace gen::motion
