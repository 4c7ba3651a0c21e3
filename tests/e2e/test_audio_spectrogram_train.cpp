// `gen train audio_spectrogram` end to end on a tiny captioned sound dataset written here
// (tones and noise bursts): each stage (-m vae, text, vocoder, unet) runs a few steps at
// tiny sizes and leaves finite losses and F16 weights in diffusers/transformers layouts;
// -m unet assembles a model folder that `gen audio -m` turns into a WAV; the vocoder resumes
// from its checkpoint; the same seed gives the same weights; and wrong stages, options, run folders and datasets each give one
// error line and a non-zero exit. The recipe's quality is the real run's business
// (scripts/train_default_audio.sh); this checks its parts fit.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include <nlohmann/json.hpp>

#include <gen/audio/audio_io.h>
#include <gen/safetensors.h>

#include "audio_fixtures.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using gen::test::run_gen;
using nlohmann::json;

constexpr int kTrainRate = 16000;
constexpr double kSeconds = 0.64;  // 64 mel frames, 16 latent rows

// Four kinds of sound, three clips each; the last clip of each kind is held out.
void write_dataset(const fs::path& dir) {
  fs::create_directories(dir / "clips");
  const int64_t n = std::llround(kSeconds * kTrainRate);
  const std::vector<std::pair<std::string, double>> kinds{
      {"a low tone", 220}, {"a high tone", 1760}, {"a noise burst", 0}, {"a quiet hum", 110}};
  std::string lines;
  auto generator = at::make_generator<at::CPUGeneratorImpl>(7);
  for (size_t k = 0; k < kinds.size(); ++k)
    for (int i = 0; i < 3; ++i) {
      const auto& [caption, hz] = kinds[k];
      auto samples = hz > 0 ? gen::test::sine(hz * (1 + 0.05 * i), kTrainRate, n, k == 3 ? 0.1 : 0.5)
                            : torch::randn({n}, generator, torch::kFloat32) * 0.2;
      const auto file = "clips/" + std::to_string(k) + "_" + std::to_string(i) + ".wav";
      gen::audio::write_audio(dir / file, gen::audio::Audio{samples.unsqueeze(0).contiguous(), kTrainRate});
      lines += json{{"file", file}, {"caption", caption}, {"split", i == 2 ? "heldout" : "train"}, {"kind", k}}.dump() + "\n";
    }
  gen::test::write_text(dir / "sounds.jsonl", lines);
  gen::test::write_text(dir / "dataset.json", json{{"sample_rate", kTrainRate}, {"clip_seconds", kSeconds}}.dump());
}

struct AudioRun {
  gen::test::TempDir dir;
  std::string data = (dir / "data").string();
  AudioRun() { write_dataset(data); }
  gen::test::CommandResult train(const std::string& stage, const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> args = {"train", "audio_spectrogram", "-m", stage, "-o", out, "-O", "data=" + data,
                                     "-s", "3", "--threads", "2", "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_gen(args);
  }
  std::string path(const std::string& name) const { return (dir / name).string(); }
};

AudioRun& shared_run() {
  static AudioRun run;
  return run;
}

const std::vector<std::string> kTinyVae = {"-O", "vae_width=8", "-O", "latent_channels=4", "-O", "crop_frames=32",
                                           "-O", "steps=3", "-O", "batch=2"};
const std::vector<std::string> kTinyAudioText = {"-O", "text_dim=16", "-O", "text_width=16", "-O", "text_layers=1",
                                            "-O", "audio_width=8", "-O", "steps=3", "-O", "batch=4"};
const std::vector<std::string> kTinyVocoder = {"-O", "vocoder_width=16", "-O", "discriminator_width=4",
                                               "-O", "segment_frames=8", "-O", "batch=2"};

void expect_f16(const fs::path& file) {
  ASSERT_TRUE(fs::exists(file)) << file;
  const auto tensors = gen::load_safetensors(file);
  ASSERT_FALSE(tensors.empty()) << file;
  for (const auto& [name, t] : tensors) {
    EXPECT_EQ(t.scalar_type(), torch::kFloat16) << file << ": " << name;
    EXPECT_TRUE(torch::isfinite(t).all().item<bool>()) << file << ": " << name;
  }
}

double json_number(const fs::path& file, const std::string& key) {
  return json::parse(gen::test::read_text(file)).at(key).get<double>();
}

// The three earlier stages, once for the tests that need them.
struct EarlierStages {
  std::string vae, text, vocoder;
  EarlierStages() {
    auto& run = shared_run();
    vae = run.path("vae"), text = run.path("text"), vocoder = run.path("vocoder");
    EXPECT_EQ(run.train("vae", vae, kTinyVae).exit_code, 0);
    EXPECT_EQ(run.train("text", text, kTinyAudioText).exit_code, 0);
    auto args = kTinyVocoder;
    args.insert(args.end(), {"-O", "steps=2", "-O", "checkpoint_every=1"});
    EXPECT_EQ(run.train("vocoder", vocoder, args).exit_code, 0);
  }
};

EarlierStages& stages() {
  static EarlierStages s;
  return s;
}

// A 3-step UNet stage of width 8 on the earlier stages' VAE and tower; tests add options.
std::vector<std::string> tiny_unet_args() {
  const auto& s = stages();
  return {"-O", "vae=" + s.vae, "-O", "text_encoder=" + s.text, "-O", "unet_width=8", "-O", "steps=3",
          "-O", "batch=2", "-O", "lr=1e-2", "-O", "checkpoint_every=0"};
}

TEST(AudioSpectrogramTrain, VaeStageWritesAOneChannelF16Vae) {
  const fs::path out = stages().vae;
  const auto config = json::parse(gen::test::read_text(out / "vae/config.json"));
  EXPECT_EQ(config["in_channels"], 1);
  EXPECT_EQ(config["out_channels"], 1);
  EXPECT_EQ(config["latent_channels"], 4);
  EXPECT_EQ(config["block_out_channels"].size(), 3u);  // factor 4
  EXPECT_TRUE(std::isfinite(json_number(out / "vae_report.json", "reconstruction_l1")));
  EXPECT_GT(json_number(out / "vae_report.json", "scaling_factor"), 0);
  EXPECT_NEAR(config["scaling_factor"].get<double>(), json_number(out / "vae_report.json", "scaling_factor"), 1e-9);
  expect_f16(out / "vae/diffusion_pytorch_model.safetensors");
  EXPECT_TRUE(fs::exists(out / "trainer.json")) << "a resumable checkpoint";
}

TEST(AudioSpectrogramTrain, TextStageWritesATowerAndReportsRetrieval) {
  const fs::path out = stages().text;
  for (const char* part : {"text_encoder/config.json", "tokenizer/vocab.json", "tokenizer/merges.txt"})
    EXPECT_TRUE(fs::exists(out / part)) << part;
  expect_f16(out / "text_encoder/model.safetensors");
  const auto report = json::parse(gen::test::read_text(out / "text_report.json"));
  for (const char* split : {"train", "heldout"}) {
    ASSERT_TRUE(report[split].is_object()) << report.dump();
    EXPECT_EQ(report[split]["pool"], split == std::string("train") ? 8 : 4);
    EXPECT_GE(report[split]["top3"].get<double>(), report[split]["top1"].get<double>());
  }
  // The caption words are whole tokens of the tower's vocabulary.
  const auto vocab = json::parse(gen::test::read_text(out / "tokenizer/vocab.json"));
  EXPECT_TRUE(vocab.contains("burst</w>")) << "clip_words vocabulary";
}

TEST(AudioSpectrogramTrain, TextStageLearnsWhichClipACaptionDescribes) {
  auto& run = shared_run();
  const auto out = run.dir / "text-learns";
  auto args = kTinyAudioText;
  args.insert(args.end(), {"-O", "steps=40", "-O", "batch=8", "-O", "lr=3e-3", "-O", "warmup=5"});
  ASSERT_EQ(run.train("text", out.string(), args).exit_code, 0);
  const auto report = json::parse(gen::test::read_text(out / "text_report.json"));
  // An untrained tower picks a clip of the right kind first 1 time in 4 (measured: 0.25
  // after 1-3 steps); 40 steps tell the four kinds apart, also on the held-out clips.
  EXPECT_GE(report["train"]["top1"].get<double>(), 0.75) << report.dump();
  EXPECT_GE(report["heldout"]["top1"].get<double>(), 0.75) << report.dump();
}

TEST(AudioSpectrogramTrain, VocoderStageWritesASpeechT5HifiGanAndResumes) {
  const fs::path out = stages().vocoder;
  const auto config = json::parse(gen::test::read_text(out / "vocoder/config.json"));
  int64_t hop = 1;
  for (const auto& u : config["upsample_rates"]) hop *= u.get<int64_t>();
  EXPECT_EQ(hop, 160) << "the upsampling equals the mel hop";
  EXPECT_EQ(config["model_in_dim"], 64);
  expect_f16(out / "vocoder/model.safetensors");
  EXPECT_TRUE(std::isfinite(json_number(out / "vocoder_report.json", "whole_clip_mel_l1")));
  EXPECT_EQ(json_number(out / "vocoder_checkpoint.json", "step"), 2);
  // Two more steps continue from step 2.
  auto args = kTinyVocoder;
  args.insert(args.end(), {"-O", "steps=4", "-O", "checkpoint_every=0"});
  auto r = shared_run().train("vocoder", out.string(), args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json_number(out / "vocoder_checkpoint.json", "step"), 4);
}

TEST(AudioSpectrogramTrain, UnetStageAssemblesAModelThatGenAudioRuns) {
  auto& run = shared_run();
  auto& s = stages();
  const auto out = run.dir / "unet";
  auto r = run.train("unet", out.string(),
                     {"-O", "vae=" + s.vae, "-O", "text_encoder=" + s.text, "-O", "vocoder=" + s.vocoder, "-O",
                      "unet_width=8", "-O", "steps=3", "-O", "batch=2", "-O", "checkpoint_every=0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto model = out / "model";
  for (const char* part : {"model_index.json", "unet/config.json", "vae/config.json", "vocoder/config.json",
                           "text_encoder/config.json", "tokenizer/vocab.json", "scheduler/scheduler_config.json",
                           "generation_defaults.json"})
    EXPECT_TRUE(fs::exists(model / part)) << part;
  EXPECT_FALSE(fs::exists(out / "model.partial"));
  expect_f16(model / "unet/diffusion_pytorch_model.safetensors");
  const auto trainer = json::parse(gen::test::read_text(out / "trainer.json"));
  EXPECT_EQ(trainer["step"], 3) << trainer.dump();
  const auto unet = json::parse(gen::test::read_text(model / "unet/config.json"));
  EXPECT_EQ(unet["class_embed_type"], "simple_projection");
  EXPECT_EQ(unet["projection_class_embeddings_input_dim"], 16);

  const auto wav = run.dir / "tone.wav";
  auto g = run_gen({"audio", "-m", model.string(), "-p", "a low tone", "--steps", "2", "-o", wav.string(), "-q"});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  const auto audio = gen::audio::read_audio(wav);
  EXPECT_EQ(audio.sample_rate, kTrainRate);
  EXPECT_EQ(audio.samples.size(1), std::llround(kSeconds * kTrainRate)) << "the model's default duration is the clips'";
}

// -O train_text: the text tower learns with the UNet, and the model carries the trained
// tower (not the text stage's bytes), which gen audio then runs.
TEST(AudioSpectrogramTrain, UnetStageCanTrainTheTextTowerWithIt) {
  auto& run = shared_run();
  auto& s = stages();
  const auto out = run.dir / "unet-text";
  auto r = run.train("unet", out.string(),
                     {"-O", "vae=" + s.vae, "-O", "text_encoder=" + s.text, "-O", "unet_width=8", "-O", "steps=3", "-O",
                      "batch=2", "-O", "lr=1e-2", "-O", "checkpoint_every=0", "-O", "train_text=true"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto model = out / "model";
  expect_f16(model / "text_encoder/model.safetensors");
  const auto trained = gen::load_safetensors(model / "text_encoder/model.safetensors");
  const auto frozen = gen::load_safetensors(fs::path(s.text) / "text_encoder/model.safetensors");
  ASSERT_EQ(trained.size(), frozen.size());
  double change = 0;
  for (const auto& [name, t] : frozen) {
    ASSERT_TRUE(trained.count(name)) << name;
    change += (trained.at(name).to(torch::kFloat32) - t.to(torch::kFloat32)).abs().sum().item<double>();
  }
  EXPECT_GT(change, 0.0) << "the tower's weights did not move";
  const auto wav = run.dir / "tone-text.wav";
  auto g = run_gen({"audio", "-m", model.string(), "-p", "a low tone", "--steps", "2", "-o", wav.string(), "-q"});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  gen::test::expect_one_error_line(run.train("unet", run.path("bad-text"), {"-O", "vae=" + s.vae, "-O", "text_encoder=" + s.text,
                                                                             "-O", "train_text=maybe"}),
                                   2, "train_text");
}

// -O text_states: the UNet's attention blocks cross-attend to the tower's token states
// (the model says so in generation_defaults.json), gen audio feeds them, and a pooled
// -O prompt_embedding, which has no states, is refused with one line.
TEST(AudioSpectrogramTrain, UnetStageCanAttendToTheTextTowersTokens) {
  auto& run = shared_run();
  auto& s = stages();
  const auto out = run.dir / "unet-states";
  auto r = run.train("unet", out.string(),
                     {"-O", "vae=" + s.vae, "-O", "text_encoder=" + s.text, "-O", "unet_width=8", "-O", "steps=3", "-O",
                      "batch=2", "-O", "lr=1e-2", "-O", "checkpoint_every=0", "-O", "text_states=true"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto model = out / "model";
  const auto unet = json::parse(gen::test::read_text(model / "unet/config.json"));
  EXPECT_EQ(unet["cross_attention_dim"], 16) << "the text tower's width (kTinyAudioText)";
  EXPECT_EQ(unet["projection_class_embeddings_input_dim"], 16) << "the pooled class embedding stays";
  EXPECT_EQ(json::parse(gen::test::read_text(model / "generation_defaults.json"))["text_states"], true);
  const auto weights = gen::load_safetensors(model / "unet/diffusion_pytorch_model.safetensors");
  bool reads_text = false;
  for (const auto& [name, t] : weights)
    if (name.find("attn2.to_k.weight") != std::string::npos) reads_text = reads_text || t.size(1) == 16;
  EXPECT_TRUE(reads_text) << "no attn2 maps 16-wide text states";

  const auto low = run.dir / "states-low.wav", high = run.dir / "states-high.wav";
  for (const auto& [prompt, file] : {std::pair{"a low tone", low}, std::pair{"a high tone", high}}) {
    auto g = run_gen({"audio", "-m", model.string(), "-p", prompt, "--steps", "2", "-o", file.string(), "-q"});
    ASSERT_EQ(g.exit_code, 0) << g.err;
  }
  EXPECT_NE(gen::test::read_text(low), gen::test::read_text(high));

  const auto embedding = run.dir / "pooled.safetensors";
  gen::save_safetensors(embedding, {{"prompt", torch::ones({16})}});
  gen::test::expect_one_error_line(run_gen({"audio", "-m", model.string(), "-O", "prompt_embedding=" + embedding.string(),
                                            "--steps", "2", "-o", (run.dir / "pooled.wav").string(), "-q"}),
                                   2, "token states");
  EXPECT_FALSE(fs::exists(run.dir / "pooled.wav"));
}

// -O note_slots: the captions' note names reach the UNet as pitch-code rows after the token
// states; the model says how many in generation_defaults.json and gen audio appends the
// prompt's. The rows change the sound (the same folder told to read no notes sounds
// different); the option's preconditions are refused with one line.
TEST(AudioSpectrogramTrain, UnetStageCanReadTheNotesTheCaptionNames) {
  auto& run = shared_run();
  const auto out = run.dir / "unet-notes";
  const auto base = tiny_unet_args();
  auto args = base;
  args.insert(args.end(), {"-O", "text_states=true", "-O", "note_slots=2"});
  auto r = run.train("unet", out.string(), args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto model = out / "model";
  const auto defaults_file = model / "generation_defaults.json";
  auto defaults = json::parse(gen::test::read_text(defaults_file));
  EXPECT_EQ(defaults["note_slots"], 2);

  const auto with_notes = run.dir / "notes-c4.wav", d4 = run.dir / "notes-d4.wav", without = run.dir / "notes-off.wav";
  const auto generate = [&](const fs::path& m, const std::string& prompt, const fs::path& file) {
    auto g = run_gen({"audio", "-m", m.string(), "-p", prompt, "--steps", "2", "-s", "3", "-o", file.string(), "-q"});
    EXPECT_EQ(g.exit_code, 0) << g.err;
  };
  generate(model, "a piano playing C4", with_notes);
  generate(model, "a piano playing D4", d4);
  EXPECT_NE(gen::test::read_text(with_notes), gen::test::read_text(d4));
  const auto deaf = run.dir / "model-no-notes";
  fs::copy(model, deaf, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  defaults.erase("note_slots");
  gen::test::write_text(deaf / "generation_defaults.json", defaults.dump());
  generate(deaf, "a piano playing C4", without);
  EXPECT_NE(gen::test::read_text(with_notes), gen::test::read_text(without)) << "the note rows never reached the UNet";

  // note_slots without text_states, beside a trained tower, or out of range: one line each.
  auto no_states = base;
  no_states.insert(no_states.end(), {"-O", "note_slots=1"});
  gen::test::expect_one_error_line(run.train("unet", run.path("notes-x1"), no_states), 2, "text_states");
  auto trained_tower = base;
  trained_tower.insert(trained_tower.end(), {"-O", "text_states=true", "-O", "note_slots=1", "-O", "train_text=true"});
  gen::test::expect_one_error_line(run.train("unet", run.path("notes-x2"), trained_tower), 2, "train_text");
  auto too_many = base;
  too_many.insert(too_many.end(), {"-O", "text_states=true", "-O", "note_slots=99"});
  gen::test::expect_one_error_line(run.train("unet", run.path("notes-x3"), too_many), 2, "note_slots");
  // A folder that asks for notes without token states is refused before any weights load.
  defaults["note_slots"] = 1;
  defaults.erase("text_states");
  gen::test::write_text(deaf / "generation_defaults.json", defaults.dump());
  gen::test::expect_one_error_line(run_gen({"audio", "-m", deaf.string(), "-p", "C4", "--steps", "2", "-o",
                                            (run.dir / "notes-bad.wav").string(), "-q"}),
                                   4, "note_slots");
  EXPECT_FALSE(fs::exists(run.dir / "notes-bad.wav"));
}

TEST(AudioSpectrogramTrain, UnetStageCanTellEachColumnItsPitch) {
  auto& run = shared_run();
  const auto out = run.dir / "unet-frequency";
  const auto base = tiny_unet_args();
  auto args = base;
  args.insert(args.end(), {"-O", "frequency_code=4"});
  auto r = run.train("unet", out.string(), args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto model = out / "model";
  auto defaults = json::parse(gen::test::read_text(model / "generation_defaults.json"));
  EXPECT_EQ(defaults["frequency_code"], 4);
  const auto unet = json::parse(gen::test::read_text(model / "unet" / "config.json"));
  const auto vae = json::parse(gen::test::read_text(model / "vae" / "config.json"));
  EXPECT_EQ(unet["in_channels"].get<int>(), vae["latent_channels"].get<int>() + 4);
  EXPECT_EQ(unet["out_channels"], vae["latent_channels"]);
  const auto wav = run.dir / "frequency.wav";
  auto g = run_gen({"audio", "-m", model.string(), "-p", "a piano playing C4", "--steps", "2", "-s", "3", "-o",
                    wav.string(), "-q"});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_TRUE(fs::file_size(wav) > 1000);

  // An odd channel count is refused before training; a folder whose UNet takes more input
  // channels than its defaults explain (or an odd code) before any weights load.
  auto odd = base;
  odd.insert(odd.end(), {"-O", "frequency_code=3"});
  gen::test::expect_one_error_line(run.train("unet", run.path("frequency-x1"), odd), 2, "frequency_code");
  const auto bad = run.dir / "model-no-code";
  fs::copy(model, bad, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  defaults.erase("frequency_code");
  gen::test::write_text(bad / "generation_defaults.json", defaults.dump());
  const auto bad_wav = run.dir / "frequency-bad.wav";
  gen::test::expect_one_error_line(
      run_gen({"audio", "-m", bad.string(), "-p", "C4", "--steps", "2", "-o", bad_wav.string(), "-q"}), 4, "channels");
  defaults["frequency_code"] = 3;
  gen::test::write_text(bad / "generation_defaults.json", defaults.dump());
  gen::test::expect_one_error_line(
      run_gen({"audio", "-m", bad.string(), "-p", "C4", "--steps", "2", "-o", bad_wav.string(), "-q"}), 4,
      "frequency_code");
  EXPECT_FALSE(fs::exists(bad_wav));
}

TEST(AudioSpectrogramTrain, SameSeedSameWeights) {
  auto& run = shared_run();
  for (const std::string stage : {"vae", "vocoder"}) {
    auto args = stage == "vae" ? kTinyVae : kTinyVocoder;
    args.insert(args.end(), {"-O", "steps=2", "-O", "checkpoint_every=0"});
    const auto a = run.path("same-" + stage + "-a"), b = run.path("same-" + stage + "-b");
    ASSERT_EQ(run.train(stage, a, args).exit_code, 0);
    ASSERT_EQ(run.train(stage, b, args).exit_code, 0);
    const auto file = stage == "vae" ? "vae/diffusion_pytorch_model.safetensors" : "vocoder/model.safetensors";
    EXPECT_EQ(gen::test::read_text(fs::path(a) / file), gen::test::read_text(fs::path(b) / file)) << stage;
  }
}

TEST(AudioSpectrogramTrain, WrongStagesOptionsAndFoldersAreOneLine) {
  auto& run = shared_run();
  gen::test::expect_one_error_line(run.train("mel", run.path("x1"), {}), 2, "mel");
  gen::test::expect_one_error_line(run.train("vae", run.path("x2"), {"-O", "vae_width=12"}), 2, "multiple of 8");
  gen::test::expect_one_error_line(run.train("vae", run.path("x3"), {"-O", "steps=0"}), 2, "steps");
  gen::test::expect_one_error_line(run.train("text", run.path("x4"), {"-O", "batch=1"}), 2, "batch");
  gen::test::expect_one_error_line(run.train("vocoder", run.path("x5"), {"-O", "colour=red"}), 2, "colour");
  gen::test::expect_one_error_line(run.train("unet", run.path("x6"), {"-O", "text_encoder=" + run.data}), 2, "vae=DIR");
  gen::test::expect_one_error_line(
      run.train("unet", run.path("x7"), {"-O", "vae=" + run.data, "-O", "text_encoder=" + run.data}), 3,
      "is not a `gen train audio_spectrogram -m vae` run");
  gen::test::expect_one_error_line(
      run_gen({"train", "audio_spectrogram", "-m", "vae", "-o", run.path("x8"), "-q"}), 2, "-O data=DIR");
  gen::test::expect_one_error_line(
      run_gen({"train", "audio_spectrogram", "-m", "text", "-o", run.path("x9"), "-O", "data=" + run.path("missing"), "-q"}),
      3, "missing");
  EXPECT_FALSE(fs::exists(run.path("x2") + "/vae"));
}

TEST(AudioSpectrogramTrain, HostileDatasetsAreOneLine) {
  auto& run = shared_run();
  auto broken = [&](const std::string& name, const std::string& line) {
    const auto dir = run.dir / name;
    fs::create_directories(dir);
    fs::copy(run.data, dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    gen::test::write_text(dir / "sounds.jsonl", gen::test::read_text(fs::path(run.data) / "sounds.jsonl") + line + "\n");
    return run_gen({"train", "audio_spectrogram", "-m", "vae", "-o", run.path(name + "-out"), "-O", "data=" + dir.string(),
                    "-O", "steps=1", "-q"});
  };
  gen::test::expect_one_error_line(broken("bad-json", "{\"file\": "), 3, "line 13");
  gen::test::expect_one_error_line(broken("escape", R"({"file": "../x.wav", "caption": "x", "split": "train"})"), 3,
                                   "inside the dataset folder");
  gen::test::expect_one_error_line(broken("no-caption", R"({"file": "clips/0_0.wav", "split": "train"})"), 3, "caption");
  gen::test::expect_one_error_line(broken("bad-split", R"({"file": "clips/0_0.wav", "caption": "x", "split": "test"})"), 3,
                                   "split");
  gen::test::expect_one_error_line(broken("no-wav", R"({"file": "clips/none.wav", "caption": "x", "split": "train"})"), 3,
                                   "none.wav");
}

}  // namespace
