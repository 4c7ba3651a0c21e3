#include "stage_options.h"

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/option_values.h>

namespace audio_spectrogram {

std::string option(const gen::TrainRequest& r, const std::string& key, const std::string& fallback) {
  auto it = r.options.find(key);
  return it == r.options.end() ? fallback : it->second;
}

int64_t integer(const gen::TrainRequest& r, const std::string& key, int64_t fallback, int64_t lo, int64_t hi) {
  return static_cast<int64_t>(gen::number_option(r.options, key, static_cast<double>(fallback), lo, hi));
}

double number(const gen::TrainRequest& r, const std::string& key, double fallback, double lo, double hi) {
  return gen::number_option(r.options, key, fallback, lo, hi);
}

std::string data_folder(const gen::TrainRequest& r) {
  const auto data = option(r, "data");
  if (data.empty()) throw gen::UsageError("training needs -O data=DIR (a `gen data audio` folder)");
  return data;
}

int64_t width_option(const gen::TrainRequest& r, const std::string& key, int64_t fallback) {
  const auto w = integer(r, key, fallback, 8, 1024);
  if (w % 8 != 0) throw gen::UsageError("option " + key + "=" + std::to_string(w) + " must be a multiple of 8");
  return w;
}

void write_json(const std::filesystem::path& file, const nlohmann::json& j) {
  std::filesystem::create_directories(file.parent_path());
  gen::write_file_atomic(file, j.dump(2) + "\n");
}

}  // namespace audio_spectrogram
