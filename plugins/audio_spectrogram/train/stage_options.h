// Reading the -O options of audio_spectrogram's training stages (the host has already
// checked them against each stage's declared specs; the ranges here repeat the specs' as
// a second guard), and what every stage shares: the data folder.
#pragma once
#include <filesystem>
#include <map>
#include <string>

#include <gen/plugin.h>

namespace audio_spectrogram {

std::string option(const gen::TrainRequest& r, const std::string& key, const std::string& fallback = "");
int64_t integer(const gen::TrainRequest& r, const std::string& key, int64_t fallback, int64_t lo, int64_t hi);
double number(const gen::TrainRequest& r, const std::string& key, double fallback, double lo, double hi);
// -O data=D, required by every stage.
std::string data_folder(const gen::TrainRequest& r);
// A width option that GroupNorm(8) can split: a positive multiple of 8.
int64_t width_option(const gen::TrainRequest& r, const std::string& key, int64_t fallback);

void write_json(const std::filesystem::path& file, const nlohmann::json& j);

}  // namespace audio_spectrogram
