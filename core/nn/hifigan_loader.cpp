// load_hifigan: a transformers vocoder folder or one safetensors file, weight norm folded.
#include <gen/nn/hifigan.h>

#include <map>
#include <set>
#include <string>
#include <utility>

#include <gen/error.h>
#include <gen/safetensors.h>

namespace gen::nn {
namespace fs = std::filesystem;
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The two spellings of a weight-normalised parameter: (suffix of g, suffix of v).
const std::pair<std::string, std::string> kWeightNormSuffixes[] = {
    {".weight_g", ".weight_v"},
    {".parametrizations.weight.original0", ".parametrizations.weight.original1"}};

// The file's tensors under the model's names: a (g, v) pair becomes one `.weight` whose
// tensor is computed when it is copied; everything else keeps its name.
struct WeightView {
  ShapeMap shapes;
  std::map<std::string, std::pair<std::string, std::string>> folded;  // weight name -> (g key, v key)
};

WeightView view_of(const SafeTensorsFile& file) {
  WeightView w;
  std::set<std::string> consumed;
  for (const auto& t : file.tensors())
    for (const auto& [g_suffix, v_suffix] : kWeightNormSuffixes) {
      if (!ends_with(t.name, g_suffix)) continue;
      const auto base = t.name.substr(0, t.name.size() - g_suffix.size());
      if (!file.contains(base + v_suffix)) continue;  // a lone g is left to be reported as unexpected
      w.folded[base + ".weight"] = {t.name, base + v_suffix};
      w.shapes[base + ".weight"] = file.info(base + v_suffix).shape;
      consumed.insert(t.name);
      consumed.insert(base + v_suffix);
    }
  for (const auto& t : file.tensors())
    if (!consumed.count(t.name)) w.shapes[t.name] = t.shape;
  return w;
}

// torch's weight norm with dim 0: v * (g / ||v||), the norm over every dim but the first.
torch::Tensor fold_weight_norm(const torch::Tensor& g, const torch::Tensor& v) {
  const auto vf = v.to(torch::kFloat32);
  auto shape = std::vector<int64_t>(vf.dim(), 1);
  shape[0] = vf.size(0);
  const auto norm = vf.contiguous().reshape({vf.size(0), -1}).norm(2, 1).reshape(shape);
  return vf * (g.to(torch::kFloat32).reshape(shape) / norm);
}

SpeechT5HifiGan build_and_load(const HifiGanConfig& config, const SafeTensorsFile& file, const WeightView& w) {
  SpeechT5HifiGan model(config);
  LoadOptions options;
  options.what = "HiFi-GAN checkpoint " + file.path().string();
  auto fetch = [&](const std::string& key) {
    auto it = w.folded.find(key);
    return it == w.folded.end() ? file.get(key) : fold_weight_norm(file.get(it->second.first), file.get(it->second.second));
  };
  load_state_dict(*model, w.shapes, fetch, options);
  model->eval();
  return model;
}

}  // namespace

SpeechT5HifiGan load_hifigan(const fs::path& path, const HifiGanHints& hints) {
  const bool folder = fs::is_directory(path);
  if (!folder && !fs::exists(path)) throw InputError("HiFi-GAN checkpoint " + path.string() + " does not exist");
  const auto weights = folder ? find_weights_file(path, "model") : path;
  const auto config_path = folder ? path / "config.json" : path.parent_path() / "config.json";
  const auto file = SafeTensorsFile::open(weights);
  const auto view = view_of(file);
  // A lone file without a config gets its architecture from the shapes and the hints.
  const auto config = folder || fs::exists(config_path) ? HifiGanConfig::from_json_file(config_path)
                                                        : HifiGanConfig::detect_from_weights(view.shapes, hints);
  return build_and_load(config, file, view);
}

}  // namespace gen::nn
