#include "judge_store.h"

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/json_file.h>
#include <gen/nn/f16_weights.h>

namespace gen::sounds {

namespace {

namespace fs = std::filesystem;

constexpr const char* kWeights = "judges.safetensors";
constexpr const char* kConfig = "config.json";

}  // namespace

void save_sound_judges(const fs::path& dir, SoundClassifier& classifier, nlohmann::json config) {
  fs::create_directories(dir);
  nn::save_f16_weights(dir / kWeights, *classifier, {{"format", "gen-judge-audio"}});
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
  nn::load_f16_weights(dir / kWeights, *s.classifier);
  if (s.classifier->feature_std.item<double>() <= 0) throw InputError((dir / kWeights).string() + ": feature_std must be positive");
  s.classifier->eval();
  return s;
}

}  // namespace gen::sounds
