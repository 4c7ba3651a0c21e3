#include <gen/audio/audio_formats.h>

#include <algorithm>
#include <cmath>

#include <gen/audio/audio_io.h>
#include <gen/audio/spectrogram_image.h>
#include <gen/error.h>

namespace gen::audio {
namespace {

int rate_of(const Sample& sample) {
  const auto it = sample.metadata.find("sample_rate");
  if (it == sample.metadata.end() || it->is_null()) return kDefaultSampleRate;
  if (!it->is_number_integer() && !(it->is_number() && it->get<double>() == std::floor(it->get<double>())))
    throw Error("an audio sample's \"sample_rate\" must be a whole number of Hz, got " + it->dump());
  return static_cast<int>(std::clamp<double>(it->get<double>(), -1, kMaxSampleRate + 1.0));
}

SampleFormat sample_format_of(const Sample& sample) {
  const auto it = sample.metadata.find("sample_format");
  if (it == sample.metadata.end() || it->is_null()) return SampleFormat::pcm16;
  if (!it->is_string()) throw Error("an audio sample's \"sample_format\" must be a name, got " + it->dump());
  try {
    return parse_sample_format(it->get<std::string>());
  } catch (const UsageError& e) {
    throw Error(std::string("an audio sample's sample format: ") + e.what());
  }
}

// The texts an audio file can hold; a sample may carry others meant for other formats.
std::map<std::string, std::string> storable_text(const Sample& sample) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : sample.text)
    if (key == "parameters" || key == "title" || key == "comment" || key == "artist" || key == "software" ||
        key == "date")
      out[key] = value;
  return out;
}

}  // namespace

Audio audio_from_sample(const torch::Tensor& data, const Sample& sample) {
  if (!data.defined() || data.dim() != 2 || !data.is_floating_point())
    throw Error("an audio sample must be float [channels, samples], got " +
                (data.defined() ? std::string(c10::toString(data.scalar_type())) + " " + c10::str(data.sizes())
                                : std::string("nothing")));
  Audio audio{data.to(torch::kCPU, torch::kFloat32).contiguous(), rate_of(sample)};
  try {
    check_audio(audio);
  } catch (const InputError& e) {
    throw Error(std::string("an audio sample: ") + e.what());
  }
  return audio;
}

void add_audio_formats(OutputFormats& formats) {
  for (const auto& extension : audio_extensions())
    formats.add(extension, Modality::audio, [](const std::filesystem::path& path, const torch::Tensor& data, const Sample& sample) {
      AudioWriteOptions options;
      options.sample_format = sample_format_of(sample);
      // FLAC has no float samples: a float request keeps the most precision FLAC has.
      if (audio_format_from_path(path) == AudioFileFormat::flac && options.sample_format == SampleFormat::float32)
        options.sample_format = SampleFormat::pcm24;
      options.text = storable_text(sample);
      // The host hands a temporary path with the same extension: the format follows it.
      write_audio(path, audio_from_sample(data, sample), options);
    });
  formats.add(".png", Modality::audio, [](const std::filesystem::path& path, const torch::Tensor& data, const Sample& sample) {
    write_spectrogram_png(path, audio_from_sample(data, sample));
  });
}

}  // namespace gen::audio
