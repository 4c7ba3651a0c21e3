#include "judge_store.h"

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/json_file.h>
#include <gen/safetensors.h>

namespace gen::humans {

namespace {

namespace fs = std::filesystem;

constexpr const char* kWeights = "judges.safetensors";
constexpr const char* kConfig = "config.json";

// Every parameter and buffer by its dotted name.
std::vector<std::pair<std::string, torch::Tensor>> state_of(JudgeNetworks& n) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : n->named_parameters()) out.emplace_back(p.key(), p.value());
  for (const auto& b : n->named_buffers()) out.emplace_back(b.key(), b.value());
  return out;
}

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
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& [name, t] : state_of(networks)) tensors[name] = t.detach().to(torch::kFloat16).contiguous();
  save_safetensors(dir / kWeights, tensors, {{"format", "gen-judge-motion"}});
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
  const auto file = SafeTensorsFile::open(dir / kWeights);
  torch::NoGradGuard no_grad;
  for (auto& [name, t] : state_of(s.networks)) {
    if (!file.contains(name)) throw InputError((dir / kWeights).string() + ": no tensor \"" + name + "\"");
    const auto value = file.get(name, torch::kFloat32);
    if (value.sizes() != t.sizes()) throw InputError((dir / kWeights).string() + ": \"" + name + "\" has the wrong shape");
    if (!torch::isfinite(value).all().item<bool>())
      throw InputError((dir / kWeights).string() + ": \"" + name + "\" is not finite");
    t.copy_(value);
  }
  s.networks->eval();
  return s;
}

}  // namespace gen::humans
