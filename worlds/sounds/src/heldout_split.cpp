#include <gen/sounds/heldout_split.h>

#include <cmath>

#include <gen/error.h>
#include <gen/audio/note_names.h>

#include "world_config.h"

namespace gen::sounds {

namespace {

std::vector<std::string> instrument_names() {
  std::vector<std::string> out;
  for (const auto& [name, program] : world_config()["instruments"].items()) out.push_back(name);
  return out;
}

SoundKind draw_kind(Rng& rng) {
  const auto& weights = config_at(world_config(), "kind_weights");
  double total = 0;
  for (const auto& [name, w] : weights.items()) total += w.get<double>();
  double u = rng.uniform() * total;
  for (const auto& [name, w] : weights.items()) {
    u -= w.get<double>();
    if (u < 0) return parse_kind(name);
  }
  return SoundKind::note;
}

double draw(Rng& rng, const std::string& path) {
  const auto [lo, hi] = config_range(world_config(), path);
  return rng.uniform(lo, hi);
}

// Every field but the source and pitch, drawn the same way for both splits.
SoundSpec draw_common(Rng& rng, SoundKind kind) {
  SoundSpec s;
  s.kind = kind;
  s.onset = std::round(draw(rng, "onset") * 100) / 100;
  s.duration = std::round(draw(rng, "duration") * 100) / 100;
  s.loudness = rng.chance(0.5) ? "soft" : "loud";
  return s;
}

int draw_midi_in_octave(Rng& rng, int octave) {
  const auto [lo, hi] = config_range(world_config(), "midi");
  const int first = std::max(static_cast<int>(lo), (octave + 1) * 12);
  const int last = std::min(static_cast<int>(hi), (octave + 1) * 12 + 11);
  if (first > last) throw Error("configs/sounds/splits.json: octave " + std::to_string(octave) + " has no note in range");
  return rng.integer(first, last);
}

SoundSpec draw_train(Rng& rng) {
  const SoundKind kind = draw_kind(rng);
  SoundSpec s = draw_common(rng, kind);
  const auto [lo, hi] = config_range(world_config(), "midi");
  switch (kind) {
    case SoundKind::note: s.source = rng.pick(instrument_names()); break;
    case SoundKind::tone: s.source = rng.pick(config_strings(world_config(), "waveforms")); break;
    case SoundKind::drum: {
      std::vector<std::string> drums;
      for (const auto& [name, key] : world_config()["drums"].items()) drums.push_back(name);
      s.source = rng.pick(drums);
      s.duration = config_number(world_config(), "drum_duration");
      break;
    }
    case SoundKind::beat: {
      s.source = "kit";
      const auto [tlo, thi] = config_range(world_config(), "tempo_bpm");
      s.tempo_bpm = rng.integer(static_cast<int>(tlo), static_cast<int>(thi));
      s.duration = std::max(s.duration, 4 * 60.0 / s.tempo_bpm);  // at least one bar
      break;
    }
    case SoundKind::chirp: s.source = rng.pick(config_strings(world_config(), "chirp_directions")); break;
    case SoundKind::noise: s.source = rng.pick(config_strings(world_config(), "noise_colours")); break;
  }
  if (is_pitched(kind)) s.midi = rng.integer(static_cast<int>(lo), static_cast<int>(hi));
  return s;
}

}  // namespace

std::string split_name(Split split) { return split == Split::train ? "train" : "heldout"; }

const std::vector<std::pair<std::string, int>>& heldout_pairs() {
  static const auto pairs = [] {
    std::vector<std::pair<std::string, int>> out;
    for (const auto& p : config_at(splits_config(), "heldout")) {
      if (!p.is_array() || p.size() != 2 || !p[0].is_string() || !p[1].is_number_integer())
        throw Error("configs/sounds/splits.json: a held-out pair must be [source, octave]");
      out.emplace_back(p[0].get<std::string>(), p[1].get<int>());
    }
    return out;
  }();
  return pairs;
}

bool is_heldout(const SoundSpec& spec) {
  if (!is_pitched(spec.kind) || spec.midi < 0) return false;
  for (const auto& [source, octave] : heldout_pairs())
    if (spec.source == source && audio::note_octave(spec.midi) == octave) return true;
  return false;
}

SoundSpec sample_sound_spec(Rng& rng, Split split) {
  if (split == Split::train) {
    for (;;) {
      SoundSpec s = draw_train(rng);
      if (!is_heldout(s)) return s;
    }
  }
  const auto& [source, octave] = rng.pick(heldout_pairs());
  const auto waveforms = config_strings(world_config(), "waveforms");
  const bool is_tone = std::find(waveforms.begin(), waveforms.end(), source) != waveforms.end();
  SoundSpec s = draw_common(rng, is_tone ? SoundKind::tone : SoundKind::note);
  s.source = source;
  s.midi = draw_midi_in_octave(rng, octave);
  return s;
}

}  // namespace gen::sounds
