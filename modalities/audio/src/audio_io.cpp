// What the reader and the writer share: extensions, names, and the text keys.
#include <gen/audio/audio_io.h>

#include <algorithm>
#include <cctype>

#include <gen/atomic_file.h>
#include <gen/error.h>

#include "text_keys.h"

namespace gen::audio {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& e : list) out += (out.empty() ? "" : ", ") + e;
  return out;
}

}  // namespace

namespace detail {

const std::vector<TextKey>& text_keys() {
  static const std::vector<TextKey> keys = {
      {"title", SF_STR_TITLE},     {"comment", SF_STR_COMMENT}, {"artist", SF_STR_ARTIST},
      {"software", SF_STR_SOFTWARE}, {"date", SF_STR_DATE},
  };
  return keys;
}

}  // namespace detail

const std::vector<std::string>& audio_extensions() {
  static const std::vector<std::string> list = {".wav", ".flac", ".ogg"};
  return list;
}

AudioFileFormat audio_format_from_path(const std::filesystem::path& path) {
  const auto e = lower(path.extension().string());
  if (e == ".wav") return AudioFileFormat::wav;
  if (e == ".flac") return AudioFileFormat::flac;
  if (e == ".ogg") return AudioFileFormat::ogg;
  throw UsageError("cannot write audio as '" + e + "' (" + path.string() + "); use " + joined(audio_extensions()));
}

SampleFormat parse_sample_format(const std::string& name) {
  const auto n = lower(name);
  if (n == "pcm16" || n == "16") return SampleFormat::pcm16;
  if (n == "pcm24" || n == "24") return SampleFormat::pcm24;
  if (n == "float" || n == "float32" || n == "32f") return SampleFormat::float32;
  throw UsageError("unknown sample format '" + name + "'; use pcm16, pcm24 or float");
}

void write_audio(const std::filesystem::path& path, const Audio& audio, const AudioWriteOptions& options) {
  write_file_atomic(path, encode_audio(audio, audio_format_from_path(path), options));
}

}  // namespace gen::audio
