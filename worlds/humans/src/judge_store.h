// A judge folder on disk (internal to gen_humans): judges.safetensors (F16) and
// config.json, as motion_judges.h describes them.
#pragma once
#include <filesystem>

#include <nlohmann/json.hpp>

#include "caption_words.h"
#include "judge_networks.h"

namespace gen::humans {

struct StoredJudges {
  JudgeNetworks networks{nullptr};  // in eval mode, float32
  WordVocabulary words;
  nlohmann::json config;            // the whole config.json
};

// Writes both files atomically; `config` gains "architecture" and "words".
void save_judges(const std::filesystem::path& dir, JudgeNetworks& networks, const WordVocabulary& words,
                 nlohmann::json config);
// Rewrites only config.json (the weights stay).
void save_judge_config(const std::filesystem::path& dir, const nlohmann::json& config);
// gen::InputError naming the file for anything missing, malformed or mis-shaped.
StoredJudges load_judges(const std::filesystem::path& dir);

}  // namespace gen::humans
