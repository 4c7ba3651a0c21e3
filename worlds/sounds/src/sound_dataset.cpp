#include <gen/sounds/sound_dataset.h>

#include <chrono>
#include <fstream>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/audio/audio_io.h>
#include <gen/error.h>
#include <gen/jsonl_file.h>
#include <gen/sounds/captions.h>
#include <gen/sounds/heldout_split.h>
#include <gen/audio/note_names.h>
#include <gen/sounds/sound_render.h>
#include <gen/staged_folder.h>

namespace gen::sounds {

namespace fs = std::filesystem;

namespace {

void check_options(const SoundDatasetOptions& o) {
  if (o.train_count < 1 || o.train_count > 10000000) throw UsageError("--train must be 1..10000000");
  if (o.heldout_count < 0 || o.heldout_count > 10000000) throw UsageError("--heldout must be 0..10000000");
  if (o.sample_rate < 8000 || o.sample_rate > 48000) throw UsageError("--rate must be 8000..48000 Hz");
  if (!(o.clip_seconds >= 1 && o.clip_seconds <= 30)) throw UsageError("--seconds must be 1..30");
}

double number_field(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number()) throw InputError(std::string("field '") + key + "' is missing or not a number");
  const double v = j[key].get<double>();
  if (!std::isfinite(v)) throw InputError(std::string("field '") + key + "' is not finite");
  return v;
}

std::string string_field(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) throw InputError(std::string("field '") + key + "' is missing or not a string");
  return j[key].get<std::string>();
}

}  // namespace

// Clips shorter than the 4 s the config is written for keep 0.3 s for the release.
void fit_to_clip(SoundSpec& s, double clip_seconds) {
  s.onset = std::min(s.onset, 0.25 * clip_seconds);
  s.duration = std::min(s.duration, std::max(0.1, clip_seconds - s.onset - 0.3));
}

std::string sound_clip_json(const SoundClip& c) {
  nlohmann::json j;
  j["file"] = c.file;
  j["caption"] = c.caption;
  j["split"] = c.split;
  j["kind"] = kind_name(c.spec.kind);
  j["source"] = c.spec.source;
  j["midi"] = c.spec.midi;
  j["note"] = c.spec.midi >= 0 ? audio::note_name(c.spec.midi) : "";
  j["onset"] = c.spec.onset;
  j["duration"] = c.spec.duration;
  j["loudness"] = c.spec.loudness;
  j["tempo_bpm"] = c.spec.tempo_bpm;
  j["class"] = sound_class(c.spec);
  return j.dump();
}

SoundClip parse_sound_clip(const std::string& line) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception&) {
    throw InputError("not a JSON object");
  }
  if (!j.is_object()) throw InputError("not a JSON object");
  SoundClip c;
  c.file = string_field(j, "file");
  if (c.file.empty() || fs::path(c.file).is_absolute() || c.file.find("..") != std::string::npos)
    throw InputError("'file' must be a path inside the dataset");
  c.caption = string_field(j, "caption");
  c.split = string_field(j, "split");
  if (c.split != "train" && c.split != "heldout") throw InputError("'split' must be train or heldout");
  c.spec.kind = parse_kind(string_field(j, "kind"));
  c.spec.source = string_field(j, "source");
  const double midi = number_field(j, "midi");
  if (midi < -1 || midi > 127 || midi != std::floor(midi)) throw InputError("'midi' must be -1 or 0..127");
  c.spec.midi = static_cast<int>(midi);
  c.spec.onset = number_field(j, "onset");
  c.spec.duration = number_field(j, "duration");
  if (c.spec.onset < 0 || c.spec.duration < 0 || c.spec.onset > 1e6 || c.spec.duration > 1e6)
    throw InputError("'onset' and 'duration' must be seconds >= 0");
  c.spec.loudness = string_field(j, "loudness");
  c.spec.tempo_bpm = number_field(j, "tempo_bpm");
  if (c.spec.tempo_bpm < 0 || c.spec.tempo_bpm > 1000) throw InputError("'tempo_bpm' must be 0..1000");
  return c;
}

void write_sound_dataset(const fs::path& dir, const SoundDatasetOptions& o, const ProgressCallback& progress) {
  check_options(o);
  StagedFolder out(dir, "dataset.json", "sounds dataset");
  std::error_code ec;
  fs::create_directories(out / "clips", ec);
  if (ec) throw Error("cannot create " + (out / "clips").string() + ": " + ec.message());
  std::string lines;
  const int64_t total = o.train_count + o.heldout_count;
  const auto start = std::chrono::steady_clock::now();
  int64_t done = 0;
  for (Split split : {Split::train, Split::heldout}) {
    const int64_t count = split == Split::train ? o.train_count : o.heldout_count;
    for (int64_t i = 0; i < count; ++i) {
      // Each clip is a function of (seed, split, index) alone.
      Rng rng(mix_seed(o.seed, static_cast<uint64_t>(split) + 1, static_cast<uint64_t>(i)));
      SoundClip clip;
      clip.spec = sample_sound_spec(rng, split);
      fit_to_clip(clip.spec, o.clip_seconds);
      clip.caption = sound_caption(clip.spec, rng);
      clip.split = split_name(split);
      clip.file = "clips/" + clip.split + "_" + std::to_string(i) + ".wav";
      gen::audio::write_audio(out / clip.file, render_sound(clip.spec, o.sample_rate, o.clip_seconds));
      lines += sound_clip_json(clip) + "\n";
      ++done;
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (progress && progress({"rendering", done, total, elapsed, clip.file}) == ProgressAction::stop) throw Cancelled();
    }
  }
  write_file_atomic(out / "sounds.jsonl", lines);
  nlohmann::json meta;
  meta["name"] = "gen-sounds";
  meta["version"] = 1;
  meta["sample_rate"] = o.sample_rate;
  meta["clip_seconds"] = o.clip_seconds;
  meta["seed"] = o.seed;
  meta["train_count"] = o.train_count;
  meta["heldout_count"] = o.heldout_count;
  meta["classes"] = sound_classes();
  for (const auto& [source, octave] : heldout_pairs()) meta["heldout_pairs"].push_back({source, octave});
  write_file_atomic(out / "dataset.json", meta.dump(2) + "\n");
  out.commit();
}

SoundDataset load_sound_dataset(const fs::path& dir) {
  const auto read = [&](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw InputError("cannot read " + p.string());
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  SoundDataset d;
  d.root = dir;
  try {
    const auto meta = nlohmann::json::parse(read(dir / "dataset.json"));
    d.sample_rate = static_cast<int>(number_field(meta, "sample_rate"));
    d.clip_seconds = number_field(meta, "clip_seconds");
    if (d.sample_rate < 1000 || d.sample_rate > 768000 || !(d.clip_seconds > 0 && d.clip_seconds <= 600))
      throw InputError("sample_rate or clip_seconds out of range");
  } catch (const nlohmann::json::exception&) {
    throw InputError((dir / "dataset.json").string() + " is not valid JSON");
  } catch (const InputError& e) {
    throw InputError((dir / "dataset.json").string() + ": " + e.what());
  }
  read_jsonl_lines(dir / "sounds.jsonl", [&](const std::string& line) { d.clips.push_back(parse_sound_clip(line)); });
  if (d.clips.empty()) throw InputError((dir / "sounds.jsonl").string() + " holds no clips");
  return d;
}

}  // namespace gen::sounds
