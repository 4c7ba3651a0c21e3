// Reading and writing audio files through libsndfile. The format follows the path:
//   .wav    RIFF WAVE: 16- or 24-bit PCM, or 32-bit float
//   .flac   FLAC (lossless): 16- or 24-bit
//   .ogg    Ogg/Vorbis (lossy), quality 0..1
// Writing is deterministic (same audio -> same bytes: no time stamps, a fixed Ogg serial
// number) and atomic (a temporary sibling renamed on success).
//
// Integer samples are scaled by 2^(bits-1): a sample x is written as
// clamp(round(x * 2^(bits-1)), -2^(bits-1), 2^(bits-1) - 1) and read back as q / 2^(bits-1),
// so reading a file and writing it again in its own format reproduces its samples exactly.
//
// Reading accepts WAV (also WAVE_FORMAT_EXTENSIBLE and RF64), FLAC and Ogg/Vorbis,
// recognised by their content, not the extension. Everything a header claims is checked
// before it is believed: limits on size, channels, rate and decoded length mean a hostile
// file cannot make the reader allocate more than the limits allow, and a truncated file
// (a WAV data chunk longer than the file, a FLAC stream shorter than its STREAMINFO, an
// Ogg stream cut inside a page or without its last page, a page whose checksum fails) is
// refused, not silently shortened. Every refusal is one gen::InputError line.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <gen/audio/audio.h>
#include <gen/export.h>

namespace gen::audio {

enum class AudioFileFormat { wav, flac, ogg };

// How samples are stored in WAV and FLAC files (Vorbis has its own representation).
enum class SampleFormat { pcm16, pcm24, float32 };

struct AudioWriteOptions {
  SampleFormat sample_format = SampleFormat::pcm16;  // FLAC: pcm16 or pcm24 only
  double vorbis_quality = 0.6;                       // 0 (smallest) .. 1 (best), Ogg only
  // Short texts stored in the file: "title", "comment", "artist", "software", "date"
  // (WAV LIST/INFO chunk, FLAC and Vorbis comments); "parameters" (the A1111-style
  // line gen writes) is stored as the comment. Other keys are a gen::UsageError.
  std::map<std::string, std::string> text;
};

// The extensions write_audio knows: ".wav", ".flac", ".ogg".
GEN_API const std::vector<std::string>& audio_extensions();

// The format a path's extension names (case-insensitive); a gen::UsageError otherwise.
GEN_API AudioFileFormat audio_format_from_path(const std::filesystem::path& path);

// "pcm16", "pcm24", "float" (also "16", "24", "float32"); a gen::UsageError otherwise.
GEN_API SampleFormat parse_sample_format(const std::string& name);

// The file's bytes in memory. A gen::UsageError for a combination the format cannot
// store (float FLAC, Vorbis over 255 channels), a gen::InputError for invalid audio.
GEN_API std::string encode_audio(const Audio& audio, AudioFileFormat format, const AudioWriteOptions& options = {});

// encode_audio in the format of the path's extension, written atomically.
GEN_API void write_audio(const std::filesystem::path& path, const Audio& audio, const AudioWriteOptions& options = {});

// Bounds on what a reader accepts.
struct AudioReadLimits {
  int64_t max_bytes = int64_t{1} << 30;        // size of the file
  int64_t max_channels = 32;
  int64_t max_samples = int64_t{1} << 27;      // decoded frames x channels (512 MiB of float)
  int min_sample_rate = kMinSampleRate;
  int max_sample_rate = kMaxSampleRate;
};

// What a file holds besides its samples.
struct AudioFileInfo {
  AudioFileFormat format = AudioFileFormat::wav;
  // As stored: "pcm8", "pcm16", "pcm24", "pcm32", "float32", "float64", "vorbis", "opus".
  std::string encoding;
  // The closest format gen writes (pcm8 -> pcm16, pcm32 -> pcm24, the rest -> float32).
  SampleFormat sample_format = SampleFormat::pcm16;
  std::map<std::string, std::string> text;           // the keys AudioWriteOptions::text knows
};

// A file decoded to float32 [channels, frames]; every refusal is one gen::InputError
// naming the file.
GEN_API Audio read_audio(const std::filesystem::path& path, const AudioReadLimits& limits = {},
                         AudioFileInfo* info = nullptr);
// The same for a file held in memory (`name` appears in error messages).
GEN_API Audio read_audio_memory(std::string_view bytes, const AudioReadLimits& limits = {},
                                const std::string& name = "<memory>", AudioFileInfo* info = nullptr);

}  // namespace gen::audio
