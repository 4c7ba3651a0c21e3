// The sounds world: note names, captions, the held-out split, rendering (pitch measured
// here with a plain autocorrelation, loudness, onset), determinism and the dataset files.
#include <cmath>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include <gen/audio/audio_io.h>
#include <gen/error.h>
#include <gen/sounds/captions.h>
#include <gen/sounds/heldout_split.h>
#include <gen/audio/note_names.h>
#include <gen/sounds/sound_dataset.h>
#include <gen/sounds/sound_render.h>

namespace fs = std::filesystem;
using namespace gen::sounds;
using gen::audio::hz_to_midi;
using gen::audio::note_name;
using gen::audio::note_octave;
using gen::Rng;

namespace {

SoundSpec note(const std::string& instrument, int midi, const std::string& loudness = "loud") {
  SoundSpec s;
  s.kind = SoundKind::note;
  s.source = instrument;
  s.midi = midi;
  s.onset = 0.5;
  s.duration = 1.0;
  s.loudness = loudness;
  return s;
}

// The fundamental in Hz of [from, from + 0.2 s): the lag of the highest normalised
// autocorrelation between 50 and 1100 Hz, the first lag within 90 % of it preferred so
// an octave-down lag does not win.
double fundamental(const torch::Tensor& x, int rate, double from) {
  const auto a = x.flatten().to(torch::kDouble);
  const int64_t start = std::llround(from * rate), n = rate / 5;
  const auto frame = a.narrow(0, start, n + rate / 50);
  const int min_lag = rate / 1100, max_lag = rate / 50;
  std::vector<double> r(max_lag + 1, 0);
  const auto head = frame.narrow(0, 0, n);
  for (int lag = min_lag; lag <= max_lag; ++lag)
    r[lag] = (head * frame.narrow(0, lag, n)).sum().item<double>() /
             std::sqrt((head * head).sum().item<double>() * (frame.narrow(0, lag, n).pow(2)).sum().item<double>() + 1e-12);
  const double best = *std::max_element(r.begin() + min_lag, r.end());
  for (int lag = min_lag + 1; lag < max_lag; ++lag)
    if (r[lag] >= 0.9 * best && r[lag] >= r[lag - 1] && r[lag] >= r[lag + 1]) return static_cast<double>(rate) / lag;
  return 0;
}

double rms(const torch::Tensor& x, int rate, double from, double to) {
  return x.flatten().narrow(0, std::llround(from * rate), std::llround((to - from) * rate)).pow(2).mean().sqrt().item<double>();
}

}  // namespace

TEST(SoundsWorld, CaptionsNameTheSound) {
  Rng rng(3);
  std::set<std::string> phrasings;
  for (int i = 0; i < 200; ++i) {
    const auto spec = note("violin", 57);
    const auto c = sound_caption(spec, rng);
    phrasings.insert(c);
    EXPECT_NE(c.find("violin"), std::string::npos) << c;
    EXPECT_TRUE(c.find("A3") != std::string::npos || c.find("low") != std::string::npos) << c;
    EXPECT_EQ(c.find("{"), std::string::npos) << c;
    // A prompt reader finds exactly the note the caption names, and none in the rest.
    EXPECT_EQ(gen::audio::find_note_names(c), c.find("A3") != std::string::npos ? std::vector<int>{57} : std::vector<int>{})
        << c;
  }
  EXPECT_GE(phrasings.size(), 4u);
  SoundSpec beat{SoundKind::beat, "kit", -1, 0.2, 2.0, "loud", 120};
  EXPECT_NE(sound_caption(beat, rng).find("120"), std::string::npos);
}

TEST(SoundsWorld, HeldoutCombinationsNeverInTrainButTheirPartsAre) {
  std::set<std::string> train_sources;
  std::set<int> train_octaves;
  Rng rng(1);
  for (int i = 0; i < 4000; ++i) {
    const auto s = sample_sound_spec(rng, Split::train);
    ASSERT_FALSE(is_heldout(s)) << s.source << " " << s.midi;
    if (is_pitched(s.kind)) train_sources.insert(s.source), train_octaves.insert(note_octave(s.midi));
  }
  for (int i = 0; i < 300; ++i) {
    const auto s = sample_sound_spec(rng, Split::heldout);
    ASSERT_TRUE(is_heldout(s)) << s.source << " " << s.midi;
  }
  ASSERT_FALSE(heldout_pairs().empty());
  for (const auto& [source, octave] : heldout_pairs()) {
    EXPECT_TRUE(train_sources.count(source)) << source;
    EXPECT_TRUE(train_octaves.count(octave)) << octave;
  }
}

TEST(SoundsWorld, RenderedNotesHaveTheirPitch) {
  for (const auto& [instrument, midi] : std::vector<std::pair<std::string, int>>{
           {"piano", 60}, {"violin", 69}, {"flute", 72}, {"trumpet", 64}, {"guitar", 55}}) {
    const auto a = render_sound(note(instrument, midi), 16000, 2.0);
    const double f = fundamental(a.samples, 16000, 0.7);
    EXPECT_NEAR(hz_to_midi(f), midi, 0.5) << instrument << " " << note_name(midi) << " measured " << f << " Hz";
  }
  SoundSpec saw = note("saw", 57);
  saw.kind = SoundKind::tone;
  EXPECT_NEAR(hz_to_midi(fundamental(render_sound(saw, 16000, 2.0).samples, 16000, 0.7)), 57, 0.3);
}

TEST(SoundsWorld, LoudnessOnsetAndDuration) {
  for (const std::string instrument : {"piano", "sine"}) {
    auto soft = note(instrument, 60, "soft"), loud = note(instrument, 60, "loud");
    if (instrument == "sine") soft.kind = loud.kind = SoundKind::tone;
    const auto a = render_sound(soft, 16000, 2.5), b = render_sound(loud, 16000, 2.5);
    EXPECT_LT(1.5 * rms(a.samples, 16000, 0.5, 1.5), rms(b.samples, 16000, 0.5, 1.5)) << instrument;
    EXPECT_LT(rms(b.samples, 16000, 0.0, 0.49), 1e-4) << instrument << ": sound before the onset";
    EXPECT_GT(rms(b.samples, 16000, 0.5, 0.6), 0.01) << instrument;
  }
  SoundSpec tone = note("square", 64);
  tone.kind = SoundKind::tone;
  const auto t = render_sound(tone, 16000, 2.5);
  EXPECT_LT(rms(t.samples, 16000, 1.52, 2.5), 1e-6) << "a tone sounds past its duration";
}

TEST(SoundsWorld, EveryKindRendersDeterministically) {
  Rng rng(5);
  for (int i = 0; i < 40; ++i) {
    const auto s = sample_sound_spec(rng, Split::train);
    const auto a = render_sound(s, 16000, 4.0), b = render_sound(s, 16000, 4.0);
    ASSERT_TRUE(torch::equal(a.samples, b.samples)) << kind_name(s.kind) << " " << s.source;
    EXPECT_GT(gen::audio::peak(a), 0.005) << kind_name(s.kind) << " " << s.source << " is silent";
  }
}

TEST(SoundsWorld, DatasetRoundTripAndSameSeedSameBytes) {
  const auto root = fs::temp_directory_path() / ("gen_sounds_test_" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  SoundDatasetOptions o;
  o.train_count = 12;
  o.heldout_count = 4;
  o.seed = 9;
  o.clip_seconds = 2.0;
  write_sound_dataset(root / "a", o, {});
  write_sound_dataset(root / "b", o, {});
  const auto d = load_sound_dataset(root / "a");
  EXPECT_EQ(d.sample_rate, 16000);
  ASSERT_EQ(d.clips.size(), 16u);
  const auto bytes = [](const fs::path& p) { std::ifstream in(p, std::ios::binary); return std::string(std::istreambuf_iterator<char>(in), {}); };
  for (const auto& c : d.clips) {
    EXPECT_TRUE(bytes(root / "a" / c.file) == bytes(root / "b" / c.file)) << c.file << " differs between two writes";
    const auto audio = gen::audio::read_audio(root / "a" / c.file);
    EXPECT_EQ(audio.channels(), 1);
    EXPECT_EQ(audio.frames(), 32000);
    EXPECT_EQ(c.split == "heldout", is_heldout(c.spec)) << c.caption;
  }
  EXPECT_EQ(bytes(root / "a" / "sounds.jsonl"), bytes(root / "b" / "sounds.jsonl"));
  EXPECT_EQ(d.clips[0].file, "clips/train_0.wav");
  // Rewriting over an earlier dataset works; a folder of other files is refused.
  write_sound_dataset(root / "a", o, {});
  fs::create_directories(root / "other");
  std::ofstream(root / "other" / "keep.txt") << "x";
  EXPECT_THROW(write_sound_dataset(root / "other", o, {}), gen::UsageError);
  EXPECT_TRUE(fs::exists(root / "other" / "keep.txt"));
  o.sample_rate = 100;
  EXPECT_THROW(write_sound_dataset(root / "c", o, {}), gen::UsageError);
  EXPECT_FALSE(fs::exists(root / "c"));
  fs::remove_all(root);
}

TEST(SoundsWorld, HostileJsonlIsRejected) {
  const auto root = fs::temp_directory_path() / ("gen_sounds_hostile_" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  std::ofstream(root / "dataset.json") << R"({"sample_rate": 16000, "clip_seconds": 4.0})";
  const std::string good = sound_clip_json({"clips/train_0.wav", "a piano playing a C4 note", "train", note("piano", 60)});
  EXPECT_NO_THROW(parse_sound_clip(good));
  for (const std::string bad : {good.substr(0, good.size() / 2), std::string("[1,2]"), std::string("{}"),
                                std::string(R"({"file":"../x.wav","caption":"c","split":"train","kind":"note","source":"piano","midi":60,"onset":0,"duration":1,"loudness":"loud","tempo_bpm":0})"),
                                std::string(R"({"file":"a.wav","caption":"c","split":"train","kind":"note","source":"piano","midi":600,"onset":0,"duration":1,"loudness":"loud","tempo_bpm":0})"),
                                std::string(R"({"file":"a.wav","caption":"c","split":"test","kind":"note","source":"piano","midi":60,"onset":0,"duration":1,"loudness":"loud","tempo_bpm":0})"),
                                std::string(R"({"file":"a.wav","caption":"c","split":"train","kind":"bell","source":"piano","midi":60,"onset":0,"duration":1,"loudness":"loud","tempo_bpm":0})")}) {
    std::ofstream(root / "sounds.jsonl") << good << "\n" << bad << "\n";
    EXPECT_THROW(load_sound_dataset(root), gen::InputError) << bad;
  }
  std::ofstream(root / "sounds.jsonl") << good;  // no final newline: truncated
  EXPECT_THROW(load_sound_dataset(root), gen::InputError);
  fs::remove(root / "dataset.json");
  EXPECT_THROW(load_sound_dataset(root), gen::InputError);
  fs::remove_all(root);
}
