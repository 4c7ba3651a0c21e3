#include "judge_store.h"

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/json_file.h>
#include <gen/nn/f16_weights.h>

namespace gen::humans {

namespace {

namespace fs = std::filesystem;

constexpr const char* kWeights = "judges.safetensors";
constexpr const char* kConfig = "config.json";

std::vector<std::string> stored_words(const nlohmann::json& config, const fs::path& file) {
  const auto it = config.find("words");
  if (it == config.end() || !it->is_array()) throw InputError(file.string() + ": no \"words\" list");
  std::vector<std::string> words;
  for (const auto& w : *it) {
    if (!w.is_string()) throw InputError(file.string() + ": \"words\" must hold strings");
    words.push_back(w.get<std::string>());
  }
  return words;
}

}  // namespace

void save_judges(const fs::path& dir, JudgeNetworks& networks, const WordVocabulary& words, nlohmann::json config) {
  fs::create_directories(dir);
  nn::save_f16_weights(dir / kWeights, *networks, {{"format", "gen-judge-motion"}});
  config["architecture"] = networks->architecture.to_json();
  config["words"] = words.words();
  save_judge_config(dir, config);
}

void save_judge_config(const fs::path& dir, const nlohmann::json& config) {
  write_file_atomic(dir / kConfig, config.dump(2) + "\n");
}

StoredJudges load_judges(const fs::path& dir) {
  StoredJudges s;
  s.config = read_json_file(dir / kConfig, "judge config");
  if (!s.config.is_object() || !s.config.contains("architecture"))
    throw InputError((dir / kConfig).string() + ": no \"architecture\"");
  const auto words = stored_words(s.config, dir / kConfig);
  s.words = WordVocabulary(words);
  auto architecture = JudgeArchitecture::from_json(s.config["architecture"]);
  if (architecture.vocabulary != s.words.size())
    throw InputError((dir / kConfig).string() + ": the vocabulary size does not match \"words\"");
  s.networks = JudgeNetworks(architecture);
  nn::load_f16_weights(dir / kWeights, *s.networks);
  s.networks->eval();
  return s;
}

}  // namespace gen::humans
