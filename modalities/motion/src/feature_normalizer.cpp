#include <gen/motion/feature_normalizer.h>

#include <gen/error.h>
#include <gen/motion/npy.h>
#include <gen/safetensors.h>

namespace gen::motion {
namespace {

void check_statistics(const torch::Tensor& mean, const torch::Tensor& std, const std::string& where) {
  if (!mean.defined() || !std.defined() || mean.dim() != 1 || std.sizes() != mean.sizes() || mean.size(0) == 0)
    throw InputError(where + ": mean and std must be two vectors of the same length");
  if (!torch::isfinite(mean).all().item<bool>() || !torch::isfinite(std).all().item<bool>())
    throw InputError(where + ": mean or std is not finite");
  if (!(std > 0).all().item<bool>()) throw InputError(where + ": std has entries <= 0");
}

}  // namespace

FeatureNormalizer::FeatureNormalizer(torch::Tensor mean, torch::Tensor std, std::string representation)
    : representation_(std::move(representation)) {
  check_statistics(mean, std, "feature normalizer");
  mean_ = mean.to(torch::kFloat32).contiguous();
  std_ = std.to(torch::kFloat32).contiguous();
}

FeatureNormalizer FeatureNormalizer::fit(const torch::Tensor& features, const std::vector<FeatureSlice>& slices,
                                         std::string representation) {
  if (features.dim() != 2 || features.size(0) < 1) throw InputError("feature statistics need features [rows, size]");
  const auto x = features.to(torch::kFloat64);
  auto mean = x.mean(0);
  auto std = x.std(0, /*unbiased=*/false);
  for (const auto& s : slices) {
    if (s.begin < 0 || s.size < 1 || s.begin + s.size > x.size(1))
      throw UsageError("feature slice '" + s.name + "' lies outside " + std::to_string(x.size(1)) + " features");
    auto part = std.narrow(0, s.begin, s.size);
    part.fill_(part.mean().item<double>());
  }
  // A feature that never varies (a constant slice) is only centred.
  std = torch::where(std > 1e-12, std, torch::ones_like(std));
  return FeatureNormalizer(mean, std, std::move(representation));
}

FeatureNormalizer FeatureNormalizer::load(const std::filesystem::path& path) {
  auto file = SafeTensorsFile::open(path);
  const auto where = path.string();
  if (!file.contains("mean") || !file.contains("std")) throw InputError(where + ": feature statistics need 'mean' and 'std'");
  auto mean = file.get("mean", torch::kFloat32), std = file.get("std", torch::kFloat32);
  check_statistics(mean, std, where);
  const auto& meta = file.metadata();
  const auto it = meta.find("representation");
  return FeatureNormalizer(mean, std, it == meta.end() ? "" : it->second);
}

FeatureNormalizer FeatureNormalizer::load_npy(const std::filesystem::path& mean, const std::filesystem::path& std,
                                              std::string representation) {
  auto m = read_npy(mean, int64_t{1} << 24), s = read_npy(std, int64_t{1} << 24);
  check_statistics(m, s, mean.string() + " and " + std.string());
  return FeatureNormalizer(m, s, std::move(representation));
}

void FeatureNormalizer::save(const std::filesystem::path& path) const {
  if (!mean_.defined()) throw Error("cannot save an empty feature normalizer");
  save_safetensors(path, {{"mean", mean_}, {"std", std_}}, {{"representation", representation_}});  // atomic
}

void FeatureNormalizer::check_input(const torch::Tensor& x) const {
  if (!mean_.defined()) throw Error("feature normalizer used before it was given statistics");
  if (x.dim() < 1 || x.size(-1) != size())
    throw InputError("features of size " + std::to_string(x.dim() ? x.size(-1) : 0) + " given to a normalizer of size " +
                     std::to_string(size()) + (representation_.empty() ? "" : " (" + representation_ + ")"));
}

torch::Tensor FeatureNormalizer::normalize(const torch::Tensor& x) const {
  check_input(x);
  return ((x - mean_.to(x.dtype())) / std_.to(x.dtype()));
}

torch::Tensor FeatureNormalizer::denormalize(const torch::Tensor& x) const {
  check_input(x);
  return x * std_.to(x.dtype()) + mean_.to(x.dtype());
}

}  // namespace gen::motion
