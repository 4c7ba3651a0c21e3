#include <gen/sounds/sound_render.h>

#include <cmath>
#include <memory>
#include <vector>

#include <fluidsynth.h>

#include <gen/error.h>
#include <gen/seeded_rng.h>
#include <gen/audio/note_names.h>

#include "world_config.h"

namespace gen::sounds {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kDrumChannel = 9;  // GM channel 10

void quiet_fluidsynth() {
  for (int level : {FLUID_PANIC, FLUID_ERR, FLUID_WARN, FLUID_INFO, FLUID_DBG}) fluid_set_log_function(level, nullptr, nullptr);
}

// A fresh synth for every render: a reset synth still carries state into the next note
// (measured: the same trumpet note rendered twice differed), and the same spec must give
// the same bytes. Loading the soundfont costs little only while another synth holds it
// (fluidsynth's sample cache): ~0.04 s a clip instead of ~0.5 s, the same bytes.
struct Synth {
  fluid_settings_t* settings = nullptr;
  fluid_synth_t* synth = nullptr;
  int rate = 0;
  ~Synth() {
    if (synth) delete_fluid_synth(synth);
    if (settings) delete_fluid_settings(settings);
  }
};

fluid_synth_t* synth_for(int rate) {
  // The previous synth lives until the new one has loaded the soundfont: fluidsynth's
  // sample cache then hands the new one the samples already in memory.
  thread_local std::unique_ptr<Synth> cached;
  quiet_fluidsynth();
  auto s = std::make_unique<Synth>();
  s->rate = rate;
  s->settings = new_fluid_settings();
  fluid_settings_setnum(s->settings, "synth.sample-rate", rate);
  fluid_settings_setint(s->settings, "synth.reverb.active", 0);
  fluid_settings_setint(s->settings, "synth.chorus.active", 0);
  fluid_settings_setint(s->settings, "synth.cpu-cores", 1);
  fluid_settings_setint(s->settings, "synth.polyphony", 64);
  // Offline rendering has no use for samples pinned in RAM (and mlock may be refused).
  fluid_settings_setint(s->settings, "synth.lock-memory", 0);
  fluid_settings_setnum(s->settings, "synth.gain", config_number(world_config(), "synth_gain"));
  s->synth = new_fluid_synth(s->settings);
  if (!s->synth) throw Error("fluidsynth could not start a synthesizer");
  const auto font = config_at(world_config(), "soundfont").get<std::string>();
  if (fluid_synth_sfload(s->synth, font.c_str(), 1) == FLUID_FAILED)
    throw Error("cannot load the soundfont " + font + " (install fluid-soundfont-gm)");
  cached = std::move(s);
  return cached->synth;
}

struct NoteEvent {
  double time;
  int channel, key, velocity;  // velocity 0: note off
};

// Renders the events into `out` (mono), from a freshly reset synth.
void render_events(std::vector<NoteEvent> events, int program, int rate, std::vector<float>& out) {
  fluid_synth_t* synth = synth_for(rate);
  fluid_synth_system_reset(synth);
  fluid_synth_program_change(synth, 0, program);
  std::stable_sort(events.begin(), events.end(), [](auto& a, auto& b) { return a.time < b.time; });
  std::vector<float> left(out.size()), right(out.size());
  int64_t at = 0;
  const auto render_to = [&](int64_t end) {
    end = std::min<int64_t>(end, static_cast<int64_t>(out.size()));
    if (end > at) fluid_synth_write_float(synth, static_cast<int>(end - at), left.data(), static_cast<int>(at), 1,
                                          right.data(), static_cast<int>(at), 1);
    at = std::max(at, end);
  };
  for (const auto& e : events) {
    render_to(std::llround(e.time * rate));
    if (e.velocity > 0) fluid_synth_noteon(synth, e.channel, e.key, e.velocity);
    else fluid_synth_noteoff(synth, e.channel, e.key);
  }
  render_to(static_cast<int64_t>(out.size()));
  for (size_t i = 0; i < out.size(); ++i) out[i] = 0.5f * (left[i] + right[i]);
}

int velocity(const SoundSpec& s) { return static_cast<int>(config_number(world_config(), "loudness/" + s.loudness + "/velocity")); }
double amplitude(const SoundSpec& s) { return config_number(world_config(), "loudness/" + s.loudness + "/amplitude"); }

int drum_key(const std::string& name) {
  const auto& drums = config_at(world_config(), "drums");
  if (!drums.contains(name)) throw UsageError("unknown drum '" + name + "'");
  return drums[name].get<int>();
}

void render_note(const SoundSpec& s, int rate, std::vector<float>& out) {
  const auto& instruments = config_at(world_config(), "instruments");
  if (!instruments.contains(s.source)) throw UsageError("unknown instrument '" + s.source + "'");
  render_events({{s.onset, 0, s.midi, velocity(s)}, {s.onset + s.duration, 0, s.midi, 0}},
                instruments[s.source].get<int>(), rate, out);
}

void render_drum(const SoundSpec& s, int rate, std::vector<float>& out) {
  const int key = drum_key(s.source);
  render_events({{s.onset, kDrumChannel, key, velocity(s)}, {s.onset + s.duration, kDrumChannel, key, 0}}, 0, rate, out);
}

// A beat: the pattern's hits on every beat (a quarter note) from the onset until the
// duration is over.
void render_beat(const SoundSpec& s, int rate, std::vector<float>& out) {
  const auto pattern = config_strings(world_config(), "beat_pattern");
  const double period = 60.0 / s.tempo_bpm;
  std::vector<NoteEvent> events;
  for (int i = 0; s.onset + i * period < s.onset + s.duration - 1e-9; ++i) {
    const double t = s.onset + i * period;
    const int key = drum_key(pattern[i % pattern.size()]);
    events.push_back({t, kDrumChannel, key, velocity(s)});
    events.push_back({t + 0.9 * period, kDrumChannel, key, 0});
  }
  render_events(events, 0, rate, out);
}

// A short linear fade at both ends of [first, last) so synthesised sounds start and
// stop without clicks; the gain at the onset sample is already above zero.
float fade(int64_t i, int64_t first, int64_t last, int64_t ramp) {
  const double in = static_cast<double>(i - first + 1) / ramp, out = static_cast<double>(last - i) / ramp;
  return static_cast<float>(std::clamp(std::min(in, out), 0.0, 1.0));
}

// Sine, square (odd harmonics 1/k) and saw (all harmonics 1/k) summed only up to 0.45 of
// the rate, so nothing aliases; the sum is scaled so every waveform peaks near 1.
void render_tone(const SoundSpec& s, int rate, std::vector<float>& out) {
  const double f0 = audio::midi_to_hz(s.midi);
  std::vector<std::pair<int, double>> partials;
  for (int k = 1; k * f0 < 0.45 * rate; ++k) {
    if (s.source == "sine" && k > 1) break;
    if (s.source == "square" && k % 2 == 0) continue;
    if (s.source != "sine" && s.source != "square" && s.source != "saw") throw UsageError("unknown waveform '" + s.source + "'");
    partials.emplace_back(k, 1.0 / k);
  }
  const double norm = s.source == "sine" ? 1.0 : (s.source == "square" ? 4 / kPi : 2 / kPi) / 1.18;
  const int64_t first = std::llround(s.onset * rate), last = std::min<int64_t>(std::llround((s.onset + s.duration) * rate), out.size());
  const int64_t ramp = std::max<int64_t>(1, std::llround(config_number(world_config(), "fade_seconds") * rate));
  for (int64_t i = first; i < last; ++i) {
    const double t = static_cast<double>(i - first) / rate;
    double v = 0;
    for (const auto& [k, a] : partials) v += a * std::sin(2 * kPi * k * f0 * t);
    out[i] = static_cast<float>(amplitude(s) * norm * v) * fade(i, first, last, ramp);
  }
}

// An exponential sweep between the configured frequencies over the duration.
void render_chirp(const SoundSpec& s, int rate, std::vector<float>& out) {
  auto [lo, hi] = config_range(world_config(), "chirp_hz");
  if (s.source == "falling") std::swap(lo, hi);
  else if (s.source != "rising") throw UsageError("unknown chirp direction '" + s.source + "'");
  const int64_t first = std::llround(s.onset * rate), last = std::min<int64_t>(std::llround((s.onset + s.duration) * rate), out.size());
  const int64_t ramp = std::max<int64_t>(1, std::llround(config_number(world_config(), "fade_seconds") * rate));
  double phase = 0;
  for (int64_t i = first; i < last; ++i) {
    const double x = static_cast<double>(i - first) / std::max<int64_t>(1, last - first);
    phase += 2 * kPi * lo * std::pow(hi / lo, x) / rate;
    out[i] = static_cast<float>(amplitude(s) * std::sin(phase)) * fade(i, first, last, ramp);
  }
}

// White or brown (leaky-integrated white) noise from a generator seeded by the spec's
// timing, so the same spec renders the same samples.
void render_noise(const SoundSpec& s, int rate, std::vector<float>& out) {
  if (s.source != "white" && s.source != "brown") throw UsageError("unknown noise colour '" + s.source + "'");
  Rng rng(mix_seed(static_cast<uint64_t>(s.onset * 1e6), static_cast<uint64_t>(s.duration * 1e6)));
  const int64_t first = std::llround(s.onset * rate), last = std::min<int64_t>(std::llround((s.onset + s.duration) * rate), out.size());
  const int64_t ramp = std::max<int64_t>(1, std::llround(config_number(world_config(), "fade_seconds") * rate));
  double brown = 0;
  for (int64_t i = first; i < last; ++i) {
    double v = rng.uniform(-1.0, 1.0);
    if (s.source == "brown") v = brown = 0.98 * brown + 0.2 * v;  // ~unit peak after the leak
    out[i] = static_cast<float>(amplitude(s) * v) * fade(i, first, last, ramp);
  }
}

}  // namespace

gen::audio::Audio render_sound(const SoundSpec& spec, int sample_rate, double clip_seconds) {
  if (sample_rate < 8000 || sample_rate > 96000) throw UsageError("sample rate " + std::to_string(sample_rate) + " Hz is outside 8000..96000");
  if (!(clip_seconds > 0) || clip_seconds > 600) throw UsageError("clip length must be in (0, 600] seconds");
  if (spec.loudness != "soft" && spec.loudness != "loud") throw UsageError("loudness must be soft or loud, not '" + spec.loudness + "'");
  if (is_pitched(spec.kind) && (spec.midi < 0 || spec.midi > 127)) throw UsageError("a pitched sound needs a MIDI note 0..127");
  if (spec.kind == SoundKind::beat && !(spec.tempo_bpm >= 20 && spec.tempo_bpm <= 400)) throw UsageError("a beat needs a tempo in 20..400 bpm");
  if (spec.onset < 0 || spec.duration < 0) throw UsageError("onset and duration must not be negative");
  std::vector<float> out(static_cast<size_t>(std::llround(clip_seconds * sample_rate)), 0.0f);
  switch (spec.kind) {
    case SoundKind::note: render_note(spec, sample_rate, out); break;
    case SoundKind::tone: render_tone(spec, sample_rate, out); break;
    case SoundKind::drum: render_drum(spec, sample_rate, out); break;
    case SoundKind::beat: render_beat(spec, sample_rate, out); break;
    case SoundKind::chirp: render_chirp(spec, sample_rate, out); break;
    case SoundKind::noise: render_noise(spec, sample_rate, out); break;
  }
  for (auto& v : out) v = std::clamp(v, -1.0f, 1.0f);
  auto samples = torch::from_blob(out.data(), {1, static_cast<int64_t>(out.size())}, torch::kFloat32).clone();
  return {samples, sample_rate};
}

}  // namespace gen::sounds
