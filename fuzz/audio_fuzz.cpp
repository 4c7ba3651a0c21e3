// libFuzzer target for the audio reader (gen/audio/audio_io.h read_audio_memory: gen's
// own WAV chunk and Ogg page checks, then libsndfile's WAV, FLAC and Ogg/Vorbis decoders
// through the in-memory callbacks): any input must either become valid audio within the
// limits or be rejected with one gen::InputError. A crash, a sanitizer report, a hang,
// any other exception, audio over the limits, or audio the writer then cannot write is a bug.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <gen/audio/audio.h>
#include <gen/audio/audio_io.h>
#include <gen/error.h>

namespace {

// Small limits keep each run fast; the reader must enforce them, checked below.
gen::audio::AudioReadLimits fuzz_limits() {
  gen::audio::AudioReadLimits limits;
  limits.max_bytes = 1 << 20;
  limits.max_channels = 8;
  limits.max_samples = 1 << 18;
  return limits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const gen::audio::AudioReadLimits limits = fuzz_limits();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  gen::audio::Audio audio;
  try {
    audio = gen::audio::read_audio_memory(bytes, limits, "fuzz");
  } catch (const gen::InputError&) {
    return 0;  // rejected cleanly: the expected outcome for most inputs
  }
  gen::audio::check_audio(audio);  // throws (a finding) if the reader let a bad one through
  if (audio.channels() > limits.max_channels || audio.samples.numel() > limits.max_samples) std::abort();
  // Whatever was read can be written losslessly and read back unchanged.
  gen::audio::AudioWriteOptions options;
  options.sample_format = gen::audio::SampleFormat::float32;
  const auto written = gen::audio::encode_audio(audio, gen::audio::AudioFileFormat::wav, options);
  gen::audio::AudioReadLimits generous = limits;
  generous.max_bytes = int64_t{64} << 20;
  const auto again = gen::audio::read_audio_memory(written, generous, "rewritten.wav");
  if (again.sample_rate != audio.sample_rate || !again.samples.equal(audio.samples)) std::abort();
  return 0;
}
