// Writes the audio fuzzer's starting corpus into folder argv[1]: short clips written by
// the project's own writer in every format and sample format it has (WAV 16/24-bit and
// float, FLAC 16/24-bit, Ogg/Vorbis; mono and stereo; with and without texts), so the
// fuzzer starts from every container and codec the reader accepts.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <torch/types.h>

#include <gen/audio/audio_io.h>
#include <gen/error.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_audio_seeds FOLDER\n");
    return 2;
  }
  using namespace gen::audio;
  const std::filesystem::path folder = argv[1];
  try {
    std::filesystem::create_directories(folder);
    auto t = torch::arange(600, torch::kFloat32) / 8000.0;
    const auto tone = 0.5 * torch::sin(2 * M_PI * 440 * t);
    const Audio mono{tone.unsqueeze(0).contiguous(), 8000};
    const Audio stereo{torch::stack({tone, -0.5 * tone}).contiguous(), 8000};
    struct Seed {
      const char* name;
      AudioFileFormat format;
      SampleFormat sample_format;
      const Audio* audio;
      bool text;
    };
    const Seed seeds[] = {
        {"mono16.wav", AudioFileFormat::wav, SampleFormat::pcm16, &mono, false},
        {"stereo24.wav", AudioFileFormat::wav, SampleFormat::pcm24, &stereo, true},
        {"float.wav", AudioFileFormat::wav, SampleFormat::float32, &mono, false},
        {"mono16.flac", AudioFileFormat::flac, SampleFormat::pcm16, &mono, true},
        {"stereo24.flac", AudioFileFormat::flac, SampleFormat::pcm24, &stereo, false},
        {"mono.ogg", AudioFileFormat::ogg, SampleFormat::pcm16, &mono, false},
        {"stereo.ogg", AudioFileFormat::ogg, SampleFormat::pcm16, &stereo, true},
    };
    for (const auto& s : seeds) {
      AudioWriteOptions options;
      options.sample_format = s.sample_format;
      options.vorbis_quality = 0.1;
      if (s.text) options.text = {{"title", "seed"}, {"comment", "steps: 25"}};
      const auto bytes = encode_audio(*s.audio, s.format, options);
      std::ofstream(folder / s.name, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_audio_seeds: %s\n", e.what());
    return 1;
  }
  return 0;
}
