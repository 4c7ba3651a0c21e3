// The sounds world's audio judges: YIN on synthetic tones and rendered instruments,
// onset/duration and tempo on renders whose truth is known, the classifier trained,
// saved and read back, hostile judge folders refused, and score_sounds counting each
// measure over the clips it applies to.
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>

#include <gen/error.h>
#include <gen/safetensors.h>
#include <gen/audio/note_names.h>
#include <gen/sounds/pitch_estimator.h>
#include <gen/sounds/sound_dataset.h>
#include <gen/sounds/sound_judge_training.h>
#include <gen/sounds/sound_judges.h>
#include <gen/sounds/sound_render.h>
#include <gen/sounds/captions.h>
#include <gen/sounds/sound_scores.h>
#include <gen/sounds/sound_timing.h>

#include "audio_fixtures.h"
#include "test_util.h"

namespace fs = std::filesystem;
using namespace gen::sounds;
using gen::audio::midi_to_hz;
using gen::audio::note_name;

namespace {

constexpr int kRate = 16000;

gen::audio::Audio mono(const torch::Tensor& samples, int rate = kRate) { return {samples.unsqueeze(0).contiguous(), rate}; }

// A band-limited sawtooth: every harmonic below 7 kHz at 1/k.
torch::Tensor saw(double hz, int64_t frames) {
  auto out = torch::zeros({frames});
  for (int k = 1; k * hz < 7000; ++k) out += gen::test::sine(k * hz, kRate, frames, 0.3 / k);
  return out;
}

SoundSpec spec(SoundKind kind, const std::string& source, int midi, double onset, double duration) {
  SoundSpec s;
  s.kind = kind;
  s.source = source;
  s.midi = midi;
  s.onset = onset;
  s.duration = duration;
  s.loudness = "loud";
  return s;
}

TEST(PitchEstimator, FindsTonesAcrossTheWorldsRangeAndAtOtherRates) {
  for (int midi : {48, 55, 60, 69, 77, 84}) {
    const double hz = midi_to_hz(midi);
    const auto sine = estimate_pitch(mono(gen::test::sine(hz, kRate, kRate)));
    ASSERT_TRUE(sine) << midi;
    EXPECT_NEAR(sine->midi, midi, 0.1) << "sine " << midi;
    const auto sawtooth = estimate_pitch(mono(saw(hz, kRate)));
    ASSERT_TRUE(sawtooth) << midi;
    EXPECT_NEAR(sawtooth->midi, midi, 0.1) << "saw " << midi;
  }
  // A 44.1 kHz stereo clip is mixed down and resampled first.
  const auto a4 = gen::test::sine(440, 44100, 44100);
  const auto stereo = estimate_pitch({torch::stack({a4, a4}), 44100});
  ASSERT_TRUE(stereo);
  EXPECT_NEAR(stereo->midi, 69, 0.1);
}

TEST(PitchEstimator, FindsNothingInNoiseOrSilence) {
  torch::manual_seed(3);
  EXPECT_FALSE(estimate_pitch(mono(0.3 * torch::randn({kRate}))));
  EXPECT_FALSE(estimate_pitch(mono(torch::zeros({kRate}))));
  EXPECT_FALSE(estimate_pitch(mono(torch::zeros({100}))));  // shorter than one frame
}

TEST(PitchEstimator, ReadsRenderedInstrumentsWithinHalfASemitone) {
  for (const auto& [instrument, midi] : std::vector<std::pair<std::string, int>>{
           {"piano", 48}, {"guitar", 52}, {"trumpet", 69}, {"violin", 79}, {"flute", 84}}) {
    const auto clip = render_sound(spec(SoundKind::note, instrument, midi, 0.3, 1.2), kRate, 2.0);
    const auto pitch = estimate_pitch(clip);
    ASSERT_TRUE(pitch) << instrument;
    EXPECT_NEAR(pitch->midi, midi, 0.5) << instrument << " " << note_name(midi);
  }
}

TEST(SoundTiming, FindsOnsetAndEndOfAToneAndNothingInSilence) {
  const auto clip = render_sound(spec(SoundKind::tone, "square", 60, 0.5, 1.2), kRate, 3.0);
  const auto t = measure_timing(clip);
  ASSERT_TRUE(t.audible);
  EXPECT_NEAR(t.onset, 0.5, 0.03);
  EXPECT_NEAR(t.duration(), 1.2, 0.05);
  EXPECT_FALSE(measure_timing(mono(torch::zeros({kRate}))).audible);
  EXPECT_FALSE(measure_timing(mono(torch::full({kRate}, 1e-5))).audible);
}

TEST(SoundTiming, ReadsTheTempoOfRenderedBeats) {
  for (double bpm : {85.0, 120.0, 155.0}) {
    auto beat = spec(SoundKind::beat, "kit", -1, 0.3, 2.5);
    beat.tempo_bpm = bpm;
    const auto tempo = estimate_tempo(render_sound(beat, kRate, 4.0));
    ASSERT_TRUE(tempo) << bpm;
    EXPECT_NEAR(*tempo, bpm, 0.03 * bpm);
  }
  EXPECT_FALSE(estimate_tempo(mono(torch::zeros({4 * kRate}))));
}

// Judges trained for a few steps on a small dataset: enough to test the files and the
// plumbing, not the accuracy (the shipped judges' test does that).
struct TinyJudges {
  gen::test::TempDir dir;
  fs::path data = dir / "data", folder = dir / "judges";
  SoundJudgeTrainingReport report;
  TinyJudges() {
    SoundDatasetOptions o;
    o.train_count = 24, o.heldout_count = 8, o.seed = 5, o.clip_seconds = 2;
    write_sound_dataset(data, o, {});
    SoundJudgeTrainingOptions t;
    t.data = data, t.output = folder, t.steps = 3, t.batch = 4, t.validation = 6, t.seed = 2;
    report = train_sound_judges(t);
  }
};

TinyJudges& tiny() {
  static TinyJudges t;
  return t;
}

TEST(SoundJudges, TrainSaveAndReadBack) {
  auto& t = tiny();
  EXPECT_EQ(t.report.clips, 32);
  EXPECT_GT(t.report.parameters, 1000);
  ASSERT_EQ(t.report.validation.size(), 2u);
  EXPECT_EQ(t.report.validation[1].split, "heldout");
  EXPECT_EQ(t.report.validation[0].scores.clips, 6);
  const auto judges = SoundJudges::load(t.folder);
  EXPECT_TRUE(judges.config().contains("validation"));
  EXPECT_EQ(judges.config()["training"]["steps"], 3);
  const auto fresh = fresh_sounds("train", 3, 9, kRate, 2.0);
  const auto readings = judges.read(fresh.clips);
  ASSERT_EQ(readings.size(), 3u);
  for (const auto& r : readings) {
    EXPECT_FALSE(r.source.empty());
    EXPECT_TRUE(r.loudness == "soft" || r.loudness == "loud");
  }
  const auto e = judges.embed(fresh.clips);
  EXPECT_EQ(e.sizes(), (std::vector<int64_t>{3, 64}));
  // The same clips read the same in any batch.
  EXPECT_TRUE(torch::allclose(judges.embed({fresh.clips[1]}), e.narrow(0, 1, 1), 1e-5, 1e-6));
}

TEST(SoundJudges, FreshSoundsAreOfTheirSplitAndNotInTheDataset) {
  const auto heldout = fresh_sounds("heldout", 6, 1, kRate, 2.0);
  for (const auto& s : heldout.specs) EXPECT_TRUE(s.kind == SoundKind::note || s.kind == SoundKind::tone);
  const auto data = load_sound_dataset(tiny().data);
  const auto train = fresh_sounds("train", 6, 5, kRate, 2.0);  // the dataset's seed
  for (const auto& s : train.specs)
    for (const auto& c : data.clips)
      EXPECT_FALSE(c.spec.source == s.source && c.spec.midi == s.midi && c.spec.onset == s.onset &&
                   c.spec.duration == s.duration);
}

TEST(SoundJudges, HostileFoldersAreOneInputError) {
  auto& t = tiny();
  gen::test::TempDir dir;
  const auto copy = [&](const std::string& name) {
    fs::copy(t.folder, dir / name, fs::copy_options::recursive);
    return dir / name;
  };
  EXPECT_THROW(SoundJudges::load(dir / "missing"), gen::InputError);
  const auto no_arch = copy("no-arch");
  gen::test::write_text(no_arch / "config.json", "{\"training\": {}}");
  EXPECT_THROW(SoundJudges::load(no_arch), gen::InputError);
  const auto bad_arch = copy("bad-arch");
  auto config = nlohmann::json::parse(gen::test::read_text(bad_arch / "config.json"));
  config["architecture"]["channels"] = {16, 32, 64, 64, 64, 64, 64};  // more pools than mels allow
  gen::test::write_text(bad_arch / "config.json", config.dump());
  EXPECT_THROW(SoundJudges::load(bad_arch), gen::InputError);
  const auto truncated = copy("truncated");
  const auto bytes = gen::test::read_text(truncated / "judges.safetensors");
  gen::test::write_text(truncated / "judges.safetensors", bytes.substr(0, bytes.size() / 2));
  EXPECT_THROW(SoundJudges::load(truncated), gen::InputError);
  const auto nan = copy("nan");
  auto tensors = gen::load_safetensors(nan / "judges.safetensors");
  tensors["embed.bias"][0] = std::nan("");
  gen::save_safetensors(nan / "judges.safetensors", tensors);
  EXPECT_THROW(SoundJudges::load(nan), gen::InputError);
}

TEST(SoundScores, CountEachMeasureOverTheClipsItAppliesTo) {
  const auto judges = SoundJudges::load(tiny().folder);
  std::vector<SoundSpec> specs = {spec(SoundKind::tone, "sine", 60, 0.4, 1.0), spec(SoundKind::note, "violin", 67, 0.5, 1.2),
                                  spec(SoundKind::drum, "snare", -1, 0.3, 0.25), spec(SoundKind::beat, "kit", -1, 0.2, 2.0)};
  specs[3].tempo_bpm = 120;
  std::vector<gen::audio::Audio> clips;
  for (const auto& s : specs) clips.push_back(render_sound(s, kRate, 3.0));
  const auto s = score_sounds(judges, specs, clips, judges.embed(clips));
  EXPECT_EQ(s.clips, 4);
  EXPECT_EQ(s.sound_class.total, 4);
  EXPECT_EQ(s.pitch.total, 2);
  EXPECT_EQ(s.pitch.right, 2);  // YIN does not depend on the classifier's training
  EXPECT_EQ(s.onset.total, 4);
  EXPECT_EQ(s.onset.right, 4);
  EXPECT_EQ(s.duration.total, 2);  // sine and violin are sustained; drums and beats are not timed
  EXPECT_EQ(s.tempo.total, 1);
  EXPECT_EQ(s.tempo.right, 1);
  ASSERT_TRUE(s.fd);
  EXPECT_NEAR(*s.fd, 0.0, 1e-3);  // the clips against themselves
  // A clip an octave off misses pitch but not timing.
  auto wrong = clips;
  wrong[0] = render_sound(spec(SoundKind::tone, "sine", 72, 0.4, 1.0), kRate, 3.0);
  const auto w = score_sounds(judges, specs, wrong);
  EXPECT_EQ(w.pitch.right, 1);
  EXPECT_EQ(w.onset.right, 4);
  EXPECT_FALSE(w.fd);
  ASSERT_FALSE(w.misses.empty());
  EXPECT_EQ(w.misses[0].truth, "sine C4 loud");
  EXPECT_THROW(score_sounds(judges, specs, {clips[0]}), gen::UsageError);
}

// With captions each pitched clip is held to what its caption asks: the named note, or a
// register word's range (a "high" caption cannot ask for F#5 rather than G5), or nothing.
TEST(SoundScores, HoldEachClipToThePitchItsCaptionAsks) {
  const auto judges = SoundJudges::load(tiny().folder);
  const std::vector<SoundSpec> specs = {spec(SoundKind::tone, "sine", 60, 0.4, 1.0), spec(SoundKind::tone, "sine", 78, 0.4, 1.0),
                                        spec(SoundKind::note, "violin", 50, 0.5, 1.2), spec(SoundKind::tone, "sine", 67, 0.4, 1.0),
                                        spec(SoundKind::drum, "snare", -1, 0.3, 0.25)};
  const std::vector<std::string> captions = {"a sine tone at C4", "a quiet high sine tone", "a low violin note",
                                             "a sine tone", "a short drum hit"};
  std::vector<gen::audio::Audio> clips;
  for (const auto& s : specs) clips.push_back(render_sound(s, kRate, 3.0));
  const auto s = score_sounds(judges, specs, clips, {}, captions);
  EXPECT_EQ(s.pitch.total, 1);  // only C4 is named
  EXPECT_EQ(s.pitch.right, 1);
  EXPECT_EQ(s.note.total, 1);
  EXPECT_EQ(s.pitch_register.total, 2);  // "high" and "low"; "a sine tone" asks no pitch
  EXPECT_EQ(s.pitch_register.right, 2);
  // Another note in the register is right for the register caption, wrong for a named note.
  auto other = clips;
  other[0] = render_sound(spec(SoundKind::tone, "sine", 64, 0.4, 1.0), kRate, 3.0);  // E4 for C4
  other[1] = render_sound(spec(SoundKind::tone, "sine", 74, 0.4, 1.0), kRate, 3.0);  // D5: still high
  other[2] = render_sound(spec(SoundKind::note, "violin", 69, 0.5, 1.2), kRate, 3.0);  // A4: not low
  const auto o = score_sounds(judges, specs, other, {}, captions);
  EXPECT_EQ(o.pitch.right, 0);
  EXPECT_EQ(o.pitch_register.right, 1);
  EXPECT_THROW(score_sounds(judges, specs, clips, {}, {captions[0]}), gen::UsageError);
  // The register words and their ranges (configs/sounds/world.json).
  EXPECT_EQ(caption_register("a HIGH note"), (std::pair{72, 84}));
  EXPECT_EQ(caption_register("middle C"), (std::pair{60, 71}));
  EXPECT_FALSE(caption_register("a slow, highly lowered tone"));
}

}  // namespace
