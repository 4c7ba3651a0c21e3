#include "sound_dataset.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>


#include <gen/audio/audio_io.h>
#include <gen/audio/resample.h>
#include <gen/error.h>
#include <gen/json_file.h>

#include "sound_entries.h"

namespace audio_spectrogram {
namespace {

namespace fs = std::filesystem;

// dataset.json's clip length in seconds (finite, 0.1-60).
double clip_seconds(const fs::path& dir) {
  const auto file = dir / "dataset.json";
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    throw gen::InputError(dir.string() + " is not a `gen data audio` folder: no dataset.json");
  const auto j = gen::read_json_file(file, "dataset description");
  if (!j.is_object() || !j.contains("clip_seconds") || !j["clip_seconds"].is_number())
    throw gen::InputError(file.string() + ": \"clip_seconds\" must be a number");
  const double s = j["clip_seconds"].get<double>();
  if (!(s >= 0.1 && s <= 60)) throw gen::InputError(file.string() + ": \"clip_seconds\" must be within 0.1-60");
  return s;
}

std::vector<SoundEntry> read_entries(const fs::path& dir, const std::string& split, bool optional) {
  const auto file = dir / "sounds.jsonl";
  std::ifstream in(file, std::ios::binary);
  if (!in) throw gen::InputError(dir.string() + " is not a `gen data audio` folder: no readable sounds.jsonl");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto entries = parse_sound_entries(text, file.string(), split);
  if (entries.empty() && !optional) throw gen::InputError(file.string() + " has no \"" + split + "\" clips");
  return entries;
}

// Mono at `rate`, `length` samples.
torch::Tensor clip_samples(const fs::path& file, int rate, int64_t length) {
  auto audio = gen::audio::to_mono(gen::audio::read_audio(file));
  if (audio.sample_rate != rate) audio = gen::audio::resample(audio, rate);
  auto samples = audio.samples[0];
  if (samples.size(0) >= length) return samples.narrow(0, 0, length);
  return torch::cat({samples, torch::zeros({length - samples.size(0)})});
}

}  // namespace

SoundClips load_sound_clips(const std::string& dir_text, const std::string& split, int sample_rate, int64_t max_clips,
                            const gen::ProgressCallback& progress, bool optional) {
  const fs::path dir(dir_text);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw gen::InputError("no dataset folder " + dir_text);
  const int64_t length = std::llround(clip_seconds(dir) * sample_rate);
  auto entries = read_entries(dir, split, optional);
  if (max_clips > 0 && static_cast<int64_t>(entries.size()) > max_clips) entries.resize(static_cast<size_t>(max_clips));
  SoundClips clips;
  clips.sample_rate = sample_rate;
  clips.samples = torch::empty({static_cast<int64_t>(entries.size()), length});
  const auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < entries.size(); ++i) {
    clips.samples[static_cast<int64_t>(i)].copy_(clip_samples(dir / entries[i].file, sample_rate, length));
    clips.captions.push_back(entries[i].caption);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (progress && (i + 1) % 64 == 0) progress({"reading " + split + " clips", int64_t(i + 1), int64_t(entries.size()), elapsed, ""});
  }
  return clips;
}

torch::Tensor clip_mels(const SoundClips& clips, const MelGeometry& geometry) {
  const gen::audio::LogMel front_end(geometry.log_mel());
  const int64_t frames = geometry.frames_for(static_cast<double>(clips.samples.size(1)) / clips.sample_rate);
  auto mels = torch::empty({clips.size(), frames, geometry.bands});
  for (int64_t i = 0; i < clips.size(); ++i) mels[i].copy_(clip_log_mel(front_end, clips.samples[i], frames));
  return mels;
}

}  // namespace audio_spectrogram
