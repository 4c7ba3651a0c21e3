// read_audio: the container is recognised from its first bytes and checked by gen's own
// code (wav_chunks, ogg_pages) before libsndfile decodes it, and only the three
// containers gen writes reach libsndfile at all, which keeps its many other parsers out
// of reach of hostile input. Decoded samples are collected in chunks, so memory grows
// with what the file really holds, never with what its header claims.
#include <gen/audio/audio_io.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <vector>

#include <gen/error.h>

#include "ogg_pages.h"
#include "sndfile_memory.h"
#include "text_keys.h"
#include "wav_chunks.h"

namespace gen::audio {
namespace {

constexpr sf_count_t kReadChunkFrames = 1 << 14;

// libsndfile's messages, on one line and without trailing space.
std::string one_line(const char* message) {
  std::string s = message ? message : "unknown error";
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

bool starts_with(std::string_view bytes, size_t at, const char* magic) {
  const size_t n = std::strlen(magic);
  return bytes.size() >= at + n && std::memcmp(bytes.data() + at, magic, n) == 0;
}

// The container by its magic bytes, after the checks gen makes itself.
AudioFileFormat detect_container(std::string_view bytes, const std::string& name) {
  if ((starts_with(bytes, 0, "RIFF") || starts_with(bytes, 0, "RIFX") || starts_with(bytes, 0, "RF64")) &&
      starts_with(bytes, 8, "WAVE")) {
    detail::check_wav_chunks(bytes, name);
    return AudioFileFormat::wav;
  }
  if (starts_with(bytes, 0, "fLaC")) return AudioFileFormat::flac;
  if (starts_with(bytes, 0, "OggS")) {
    detail::check_ogg_pages(bytes, name);
    return AudioFileFormat::ogg;
  }
  if (bytes.empty()) throw InputError(name + ": empty file");
  throw InputError(name + ": not a WAV, FLAC or Ogg/Vorbis file");
}

// What the file stores, or an InputError for an encoding gen does not read.
std::string encoding_of(int format, const std::string& name) {
  switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8:
    case SF_FORMAT_PCM_U8: return "pcm8";
    case SF_FORMAT_PCM_16: return "pcm16";
    case SF_FORMAT_PCM_24: return "pcm24";
    case SF_FORMAT_PCM_32: return "pcm32";
    case SF_FORMAT_FLOAT: return "float32";
    case SF_FORMAT_DOUBLE: return "float64";
    case SF_FORMAT_VORBIS: return "vorbis";
    case SF_FORMAT_OPUS: return "opus";
    default: break;
  }
  SF_FORMAT_INFO described{};
  described.format = format & SF_FORMAT_SUBMASK;
  const bool known = sf_command(nullptr, SFC_GET_FORMAT_INFO, &described, sizeof described) == 0 && described.name;
  throw InputError(name + ": samples encoded as " + (known ? std::string(described.name) : std::string("an unknown codec")) +
                   ", which gen does not read; use PCM, float, FLAC or Vorbis");
}

SampleFormat sample_format_of(const std::string& encoding) {
  if (encoding == "pcm8" || encoding == "pcm16") return SampleFormat::pcm16;
  if (encoding == "pcm24" || encoding == "pcm32") return SampleFormat::pcm24;
  return SampleFormat::float32;
}

std::string read_file_bytes(const std::filesystem::path& path, int64_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path.string() + " is a folder, not an audio file");
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw InputError("cannot read " + path.string() + ": " + ec.message());
  if (size > static_cast<uint64_t>(max_bytes))
    throw InputError(path.string() + ": " + std::to_string(size) + " bytes is over the " + std::to_string(max_bytes) +
                     "-byte limit for audio files");
  std::ifstream in(path, std::ios::binary);
  std::string bytes(size, '\0');
  if (!in || !in.read(bytes.data(), static_cast<std::streamsize>(size))) throw InputError("cannot read " + path.string());
  return bytes;
}

}  // namespace

Audio read_audio_memory(std::string_view bytes, const AudioReadLimits& limits, const std::string& name,
                        AudioFileInfo* info) {
  if (static_cast<int64_t>(bytes.size()) > limits.max_bytes)
    throw InputError(name + ": " + std::to_string(bytes.size()) + " bytes is over the " +
                     std::to_string(limits.max_bytes) + "-byte limit for audio files");
  const AudioFileFormat container = detect_container(bytes, name);

  detail::MemoryFile memory;
  memory.input = bytes;
  SF_INFO sf{};
  detail::SndfileHandle file(sf_open_virtual(detail::memory_io(), SFM_READ, &sf, &memory));
  if (!file) throw InputError(name + ": cannot decode: " + one_line(sf_strerror(nullptr)));
  const std::string encoding = encoding_of(sf.format, name);
  if (sf.channels < 1 || sf.channels > limits.max_channels)
    throw InputError(name + ": " + std::to_string(sf.channels) + " channels; at most " +
                     std::to_string(limits.max_channels) + " are read");
  if (sf.samplerate < limits.min_sample_rate || sf.samplerate > limits.max_sample_rate)
    throw InputError(name + ": sample rate " + std::to_string(sf.samplerate) + " Hz is outside " +
                     std::to_string(limits.min_sample_rate) + " to " + std::to_string(limits.max_sample_rate) + " Hz");
  const int64_t channels = sf.channels;
  const int64_t max_frames = limits.max_samples / channels;
  // The header's length, when it states one: believed only as far as the limits allow.
  const bool length_known = sf.frames > 0 && sf.frames < SF_COUNT_MAX;
  if (length_known && sf.frames > max_frames)
    throw InputError(name + ": " + std::to_string(sf.frames) + " frames of " + std::to_string(channels) +
                     " channels is over the limit of " + std::to_string(limits.max_samples) + " samples");

  std::vector<float> samples;
  std::vector<float> chunk(static_cast<size_t>(kReadChunkFrames * channels));
  int64_t frames = 0;
  for (;;) {
    const sf_count_t got = sf_readf_float(file.get(), chunk.data(), kReadChunkFrames);
    if (got <= 0) break;
    if (frames + got > max_frames)
      throw InputError(name + ": decodes to more than " + std::to_string(limits.max_samples) +
                       " samples, the limit for audio files");
    samples.insert(samples.end(), chunk.begin(), chunk.begin() + got * channels);
    frames += got;
  }
  // A stream shorter than its header is reported as such, whatever the decoder said about it.
  if (length_known && frames < sf.frames)
    throw InputError(name + ": truncated: the header promises " + std::to_string(sf.frames) + " frames, only " +
                     std::to_string(frames) + " decode");
  if (sf_error(file.get()) != SF_ERR_NO_ERROR) throw InputError(name + ": corrupt: " + one_line(sf_strerror(file.get())));

  if (info) {
    info->format = container;
    info->encoding = encoding;
    info->sample_format = sample_format_of(encoding);
    info->text.clear();
    for (const auto& key : detail::text_keys())
      if (const char* value = sf_get_string(file.get(), key.id)) info->text[key.name] = value;
  }
  file.reset();

  Audio audio;
  audio.sample_rate = sf.samplerate;
  // A copy out of `samples`, which goes away on return (for one channel the transposed
  // view would already count as contiguous and keep pointing into it).
  audio.samples = torch::empty({channels, frames}, torch::kFloat32);
  if (frames > 0) audio.samples.copy_(torch::from_blob(samples.data(), {frames, channels}, torch::kFloat32).t());
  try {
    check_audio(audio);
  } catch (const InputError& e) {
    throw InputError(name + ": " + e.what());
  }
  return audio;
}

Audio read_audio(const std::filesystem::path& path, const AudioReadLimits& limits, AudioFileInfo* info) {
  return read_audio_memory(read_file_bytes(path, limits.max_bytes), limits, path.string(), info);
}

}  // namespace gen::audio
