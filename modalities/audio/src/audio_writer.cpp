// encode_audio: libsndfile writes into memory; gen does the integer quantisation itself
// (libsndfile scales floats by 2^(bits-1) - 1 on write but divides by 2^(bits-1) on read,
// so its own round trip shrinks every sample slightly).
#include <gen/audio/audio_io.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <gen/error.h>

#include "ogg_pages.h"
#include "sndfile_memory.h"
#include "text_keys.h"

namespace gen::audio {
namespace {

// libsndfile draws a random Ogg serial number per stream; this fixed one makes output
// bytes reproducible ("gen1").
constexpr uint32_t kOggSerial = 0x316e6567;
constexpr int64_t kWriteChunkFrames = 1 << 15;

const char* format_name(AudioFileFormat f) {
  switch (f) {
    case AudioFileFormat::wav: return "WAV";
    case AudioFileFormat::flac: return "FLAC";
    case AudioFileFormat::ogg: return "Ogg/Vorbis";
  }
  return "?";
}

int sndfile_format(AudioFileFormat format, SampleFormat sample_format) {
  switch (format) {
    case AudioFileFormat::wav:
      switch (sample_format) {
        case SampleFormat::pcm16: return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
        case SampleFormat::pcm24: return SF_FORMAT_WAV | SF_FORMAT_PCM_24;
        case SampleFormat::float32: return SF_FORMAT_WAV | SF_FORMAT_FLOAT;
      }
      break;
    case AudioFileFormat::flac:
      switch (sample_format) {
        case SampleFormat::pcm16: return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
        case SampleFormat::pcm24: return SF_FORMAT_FLAC | SF_FORMAT_PCM_24;
        case SampleFormat::float32: throw UsageError("FLAC stores integer samples: use pcm16 or pcm24, not float");
      }
      break;
    case AudioFileFormat::ogg: return SF_FORMAT_OGG | SF_FORMAT_VORBIS;
  }
  throw UsageError("unknown audio file format");
}

// The sample as an int32 whose top `bits` bits are the stored value (what
// sf_writef_int expects for every integer width).
int32_t quantize(float x, int bits) {
  const double scale = std::ldexp(1.0, bits - 1);
  const double q = std::nearbyint(std::clamp(static_cast<double>(x), -1.0, 1.0) * scale);
  const auto clipped = static_cast<int64_t>(std::min(q, scale - 1));
  return static_cast<int32_t>(static_cast<uint32_t>(clipped) << (32 - bits));
}

void set_text(SNDFILE* file, const std::map<std::string, std::string>& text) {
  for (const auto& [key, value] : text) {
    const std::string name = key == "parameters" ? "comment" : key;
    const auto& keys = detail::text_keys();
    const auto it = std::find_if(keys.begin(), keys.end(), [&](const detail::TextKey& k) { return k.name == name; });
    if (it == keys.end())
      throw UsageError("an audio file cannot store the text '" + key +
                       "'; use title, comment, artist, software, date or parameters");
    if (text.count("comment") && key == "parameters") continue;  // an explicit comment wins
    if (sf_set_string(file, it->id, value.c_str()) != 0)
      throw Error("cannot store the text '" + key + "' in the audio file: " + sf_strerror(file));
  }
}

void write_frames(SNDFILE* file, const torch::Tensor& interleaved, AudioFileFormat format, SampleFormat sample_format) {
  const int64_t frames = interleaved.size(0), channels = interleaved.size(1);
  const float* data = interleaved.data_ptr<float>();
  const bool integer = format != AudioFileFormat::ogg && sample_format != SampleFormat::float32;
  const int bits = sample_format == SampleFormat::pcm24 ? 24 : 16;
  std::vector<int32_t> ints;
  for (int64_t start = 0; start < frames; start += kWriteChunkFrames) {
    const int64_t n = std::min(kWriteChunkFrames, frames - start);
    const float* chunk = data + start * channels;
    sf_count_t written;
    if (integer) {
      ints.resize(static_cast<size_t>(n * channels));
      for (size_t i = 0; i < ints.size(); ++i) ints[i] = quantize(chunk[i], bits);
      written = sf_writef_int(file, ints.data(), n);
    } else {
      written = sf_writef_float(file, chunk, n);
    }
    if (written != n) throw Error(std::string("writing audio failed: ") + sf_strerror(file));
  }
}

}  // namespace

std::string encode_audio(const Audio& audio, AudioFileFormat format, const AudioWriteOptions& options) {
  check_audio(audio);
  if (!(options.vorbis_quality >= 0 && options.vorbis_quality <= 1))
    throw UsageError("Vorbis quality must be between 0 and 1, got " + std::to_string(options.vorbis_quality));
  SF_INFO info{};
  info.samplerate = audio.sample_rate;
  info.channels = static_cast<int>(audio.channels());
  info.format = sndfile_format(format, options.sample_format);
  if (!sf_format_check(&info))
    throw UsageError(std::string(format_name(format)) + " cannot store " + std::to_string(info.channels) +
                     " channels at " + std::to_string(info.samplerate) + " Hz");

  detail::MemoryFile memory;
  memory.writing = true;
  detail::SndfileHandle file(sf_open_virtual(detail::memory_io(), SFM_WRITE, &info, &memory));
  if (!file) throw Error(std::string("cannot start a ") + format_name(format) + " file: " + sf_strerror(nullptr));
  // WAV float files would get a PEAK chunk holding the current time: no reproducible bytes.
  if (format == AudioFileFormat::wav) sf_command(file.get(), SFC_SET_ADD_PEAK_CHUNK, nullptr, SF_FALSE);
  if (format == AudioFileFormat::ogg) {
    double quality = options.vorbis_quality;
    if (sf_command(file.get(), SFC_SET_VBR_ENCODING_QUALITY, &quality, sizeof quality) != SF_TRUE)
      throw Error(std::string("cannot set the Vorbis quality: ") + sf_strerror(file.get()));
  }
  set_text(file.get(), options.text);
  write_frames(file.get(), audio.samples.t().contiguous(), format, options.sample_format);
  if (sf_close(file.release()) != 0) throw Error(std::string("finishing the audio file failed: ") + sf_strerror(nullptr));
  if (format == AudioFileFormat::ogg) detail::set_ogg_serial(memory.output, kOggSerial);
  return std::move(memory.output);
}

}  // namespace gen::audio
