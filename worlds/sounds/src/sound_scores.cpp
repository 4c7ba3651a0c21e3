#include <gen/sounds/sound_scores.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/frechet_distance.h>
#include <gen/audio/note_names.h>
#include <gen/sounds/captions.h>

#include "world_config.h"

namespace gen::sounds {

namespace {

struct Tolerances {
  double pitch, note, onset, duration, duration_share, tempo_share;
  std::vector<std::string> timed_sources;
};

Tolerances tolerances() {
  const auto& c = config_at(judges_config(), "tolerances");
  return {config_number(c, "pitch_semitones"), config_number(c, "note_semitones"), config_number(c, "onset_s"),
          config_number(c, "duration_s"),      config_number(c, "duration_share"), config_number(c, "tempo_share"),
          config_strings(judges_config(), "timed_sources")};
}

std::string describe_reading(const SoundReading& r) {
  std::string out = r.source;
  if (r.midi) out += " " + audio::note_name(static_cast<int>(std::clamp(std::lround(*r.midi), 0L, 127L)));
  return out + " " + r.loudness;
}

nlohmann::json share_json(const Share& s) {
  if (!s.value()) return nullptr;
  return {{"accuracy", *s.value()}, {"right", s.right}, {"total", s.total}};
}

// What pitch a clip was asked for: its spec's note when the caption names it (or when
// there is no caption), else the register word's range, else none.
struct PitchAsked {
  bool note = false;
  std::optional<std::pair<int, int>> range;
};

PitchAsked pitch_asked(const SoundSpec& spec, const std::string* caption) {
  if (!caption) return {true, std::nullopt};
  const auto notes = audio::find_note_names(*caption);
  if (std::find(notes.begin(), notes.end(), spec.midi) != notes.end()) return {true, std::nullopt};
  return {false, caption_register(*caption)};
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

std::optional<double> Share::value() const {
  if (total == 0) return std::nullopt;
  return static_cast<double>(right) / total;
}

std::string describe_spec(const SoundSpec& spec) {
  std::string out = spec.source;
  if (is_pitched(spec.kind) && spec.midi >= 0 && spec.midi <= 127) out += " " + audio::note_name(spec.midi);
  if (spec.kind == SoundKind::beat) out += " " + std::to_string(std::lround(spec.tempo_bpm)) + " bpm";
  return out + " " + spec.loudness;
}

nlohmann::json SoundScores::to_json() const {
  nlohmann::json m = nlohmann::json::array();
  for (const auto& x : misses) m.push_back({{"index", x.index}, {"truth", x.truth}, {"read", x.read}});
  return {{"clips", clips},
          {"class", share_json(sound_class)},
          {"source", share_json(source)},
          {"loudness", share_json(loudness)},
          {"pitch", share_json(pitch)},
          {"note", share_json(note)},
          {"register", share_json(pitch_register)},
          {"onset", share_json(onset)},
          {"duration", share_json(duration)},
          {"tempo", share_json(tempo)},
          {"fd", fd ? nlohmann::json(*fd) : nlohmann::json(nullptr)},
          {"misses", m}};
}

SoundScores score_sounds(const SoundJudges& judges, const std::vector<SoundSpec>& truth,
                         const std::vector<gen::audio::Audio>& clips, const torch::Tensor& reference,
                         const std::vector<std::string>& captions) {
  if (truth.size() != clips.size())
    throw UsageError("score_sounds: " + std::to_string(clips.size()) + " clips for " + std::to_string(truth.size()) + " specs");
  if (!captions.empty() && captions.size() != truth.size())
    throw UsageError("score_sounds: " + std::to_string(captions.size()) + " captions for " + std::to_string(truth.size()) +
                     " specs");
  const auto tol = tolerances();
  const auto readings = judges.read(clips);
  SoundScores s;
  s.clips = static_cast<int>(clips.size());
  for (size_t i = 0; i < truth.size(); ++i) {
    const auto& t = truth[i];
    const auto& r = readings[i];
    const bool class_ok = r.sound_class == sound_class(t);
    s.sound_class.add(class_ok);
    s.source.add(r.source == t.source);
    s.loudness.add(r.loudness == t.loudness);
    bool pitch_ok = true;
    const auto asked = is_pitched(t.kind) ? pitch_asked(t, captions.empty() ? nullptr : &captions[i]) : PitchAsked{};
    if (asked.note) {
      const double error = r.midi ? std::abs(*r.midi - t.midi) : 1e9;
      pitch_ok = error <= tol.pitch;
      s.pitch.add(pitch_ok);
      s.note.add(error <= tol.note);
    } else if (asked.range) {
      const auto [lowest, highest] = *asked.range;
      pitch_ok = r.midi && *r.midi >= lowest - tol.pitch && *r.midi <= highest + tol.pitch;
      s.pitch_register.add(pitch_ok);
    }
    s.onset.add(r.timing.audible && std::abs(r.timing.onset - t.onset) <= tol.onset);
    if (contains(tol.timed_sources, t.source)) {
      const double error = std::abs(r.timing.duration() - t.duration);
      s.duration.add(r.timing.audible && (error <= tol.duration || error <= tol.duration_share * t.duration));
    }
    if (t.kind == SoundKind::beat)
      s.tempo.add(r.tempo_bpm && std::abs(*r.tempo_bpm - t.tempo_bpm) <= tol.tempo_share * t.tempo_bpm);
    if (!class_ok || !pitch_ok || r.loudness != t.loudness)
      s.misses.push_back({static_cast<int>(i), describe_spec(t), describe_reading(r)});
  }
  if (reference.defined() && reference.size(0) >= 2 && clips.size() >= 2)
    s.fd = frechet_distance(judges.embed(clips), reference);
  return s;
}

}  // namespace gen::sounds
