#include "sound_entries.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include <gen/error.h>

namespace audio_spectrogram {
namespace {

namespace fs = std::filesystem;

std::string string_field(const nlohmann::json& j, const char* key, const std::string& where) {
  if (!j.contains(key) || !j[key].is_string()) throw gen::InputError(where + ": \"" + key + "\" must be a string");
  return j[key].get<std::string>();
}

// A clip's file must stay inside the dataset folder: relative, without "..".
void check_relative(const std::string& file, const std::string& where) {
  const fs::path p(file);
  bool escapes = file.empty() || p.is_absolute() || p.has_root_name();
  for (const auto& part : p) escapes = escapes || part == "..";
  if (escapes) throw gen::InputError(where + ": \"file\" must be a path inside the dataset folder, not '" + file + "'");
}

}  // namespace

std::vector<SoundEntry> parse_sound_entries(std::string_view text, const std::string& name, const std::string& split) {
  std::vector<SoundEntry> entries;
  size_t at = 0;
  for (int64_t number = 1; at < text.size(); ++number) {
    const size_t end = std::min(text.find('\n', at), text.size());
    const auto line = text.substr(at, end - at);
    at = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const auto where = name + " line " + std::to_string(number);
    const auto j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw gen::InputError(where + " is not a JSON object");
    const auto s = string_field(j, "split", where);
    if (s != "train" && s != "heldout") throw gen::InputError(where + ": \"split\" must be train or heldout");
    SoundEntry e{string_field(j, "file", where), string_field(j, "caption", where)};
    check_relative(e.file, where);
    if (s == split) entries.push_back(std::move(e));
  }
  return entries;
}

}  // namespace audio_spectrogram
