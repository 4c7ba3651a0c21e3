#include "judge_store.h"

#include <map>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/json_file.h>
#include <gen/safetensors.h>

namespace gen::sounds {

namespace {

namespace fs = std::filesystem;

constexpr const char* kWeights = "judges.safetensors";
constexpr const char* kConfig = "config.json";

std::vector<std::pair<std::string, torch::Tensor>> state_of(SoundClassifier& n) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : n->named_parameters()) out.emplace_back(p.key(), p.value());
  for (const auto& b : n->named_buffers()) out.emplace_back(b.key(), b.value());
  return out;
}

}  // namespace

void save_sound_judges(const fs::path& dir, SoundClassifier& classifier, nlohmann::json config) {
  fs::create_directories(dir);
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& [name, t] : state_of(classifier)) tensors[name] = t.detach().to(torch::kFloat16).contiguous();
  save_safetensors(dir / kWeights, tensors, {{"format", "gen-judge-audio"}});
  config["architecture"] = classifier->architecture.to_json();
  save_sound_judge_config(dir, config);
}

void save_sound_judge_config(const fs::path& dir, const nlohmann::json& config) {
  write_file_atomic(dir / kConfig, config.dump(2) + "\n");
}

StoredSoundJudges load_sound_judges(const fs::path& dir) {
  StoredSoundJudges s;
  s.config = read_json_file(dir / kConfig, "audio judge config");
  if (!s.config.is_object() || !s.config.contains("architecture"))
    throw InputError((dir / kConfig).string() + ": no \"architecture\"");
  try {
    s.classifier = SoundClassifier(SoundClassifierArchitecture::from_json(s.config["architecture"]));
  } catch (const InputError& e) {
    throw InputError((dir / kConfig).string() + ": " + e.what());
  }
  const auto file = SafeTensorsFile::open(dir / kWeights);
  torch::NoGradGuard no_grad;
  for (auto& [name, t] : state_of(s.classifier)) {
    if (!file.contains(name)) throw InputError((dir / kWeights).string() + ": no tensor \"" + name + "\"");
    const auto value = file.get(name, torch::kFloat32);
    if (value.sizes() != t.sizes()) throw InputError((dir / kWeights).string() + ": \"" + name + "\" has the wrong shape");
    if (!torch::isfinite(value).all().item<bool>())
      throw InputError((dir / kWeights).string() + ": \"" + name + "\" is not finite");
    t.copy_(value);
  }
  if (s.classifier->feature_std.item<double>() <= 0) throw InputError((dir / kWeights).string() + ": feature_std must be positive");
  s.classifier->eval();
  return s;
}

}  // namespace gen::sounds
