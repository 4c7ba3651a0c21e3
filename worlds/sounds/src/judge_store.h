// Reading and writing an audio judge folder (sound_judges.h): judges.safetensors (F16)
// and config.json. Internal to gen_sounds.
#pragma once
#include <filesystem>

#include <nlohmann/json.hpp>

#include "sound_classifier.h"

namespace gen::sounds {

// Writes the weights and the config (with "architecture" set from the network).
void save_sound_judges(const std::filesystem::path& dir, SoundClassifier& classifier, nlohmann::json config);
void save_sound_judge_config(const std::filesystem::path& dir, const nlohmann::json& config);

struct StoredSoundJudges {
  nlohmann::json config;
  SoundClassifier classifier{nullptr};
};
// One gen::InputError naming the file for anything missing, malformed or non-finite.
StoredSoundJudges load_sound_judges(const std::filesystem::path& dir);

}  // namespace gen::sounds
