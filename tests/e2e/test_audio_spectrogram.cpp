// `gen audio` end to end on a seeded tiny random-weight AudioLDM folder (UNet with a
// projected text class embedding, one-channel VAE, HiFi-GAN, a CLIP text tower): every
// output format and rate, the duration asked for, determinism, every sampler, both
// vocoders, audio-to-audio, inpainting and continuation keeping the input where they keep
// it, a CLAP model run from a stored prompt embedding, and errors with one line.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include <gen/audio/audio_io.h>
#include <gen/nn/autoencoder_kl.h>
#include <gen/nn/clip_text_embedder.h>
#include <gen/nn/clip_vocabulary.h>
#include <gen/nn/hifigan.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/nn/unet2d_condition.h>
#include <gen/safetensors.h>

#include "test_util.h"
#include "tiny_checkpoint.h"

namespace {

namespace fs = std::filesystem;
using gen::test::run_gen;
using nlohmann::json;

constexpr int kRate = 16000;

void write_json(const fs::path& file, const json& j) {
  fs::create_directories(file.parent_path());
  gen::test::write_text(file, j.dump(2));
}

struct TinyAudioModels {
  gen::test::TempDir dir;
  fs::path folder = dir / "tiny-audioldm", no_vocoder = dir / "tiny-no-vocoder", clap = dir / "tiny-clap";
  fs::path embedding = dir / "prompt.safetensors";

  TinyAudioModels() {
    gen::test::write_tiny_audioldm(folder);

    // The same networks without a vocoder: Griffin-Lim, with the mel declared.
    fs::copy(folder, no_vocoder, fs::copy_options::recursive);
    fs::remove_all(no_vocoder / "vocoder");
    write_json(no_vocoder / "generation_defaults.json",
               {{"steps", 3}, {"duration", 1.0}, {"mel", {{"sample_rate", kRate}, {"hop_length", 160}, {"bands", 16}}}});

    // A CLAP text tower gen does not run; its prompt embedding comes from a file.
    fs::copy(folder, clap, fs::copy_options::recursive);
    write_json(clap / "text_encoder" / "config.json", {{"model_type", "clap_text_model"}});
    gen::save_safetensors(embedding, {{"prompt", torch::randn({16})}, {"negative", torch::randn({1, 16})}});
  }
};

TinyAudioModels& models() {
  static TinyAudioModels m;
  return m;
}

std::vector<std::string> audio_args(const fs::path& model, const fs::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"audio", "-m", model.string(), "-p", "a piano playing a C4 note", "-s", "5",
                                   "-o", out.string(), "--threads", "1", "-q"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

gen::audio::Audio generate(const std::vector<std::string>& args, const fs::path& out) {
  auto r = run_gen(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return gen::audio::read_audio(out);
}

// A float WAV clip of a tone and noise, as the input of the editing tests.
fs::path write_input(const fs::path& file, double seconds) {
  const auto n = static_cast<int64_t>(seconds * kRate);
  auto t = torch::arange(n, torch::kFloat32) / kRate;
  auto samples = 0.4 * torch::sin(2 * M_PI * 440.0 * t) + 0.05 * torch::randn({n});
  gen::audio::AudioWriteOptions o;
  o.sample_format = gen::audio::SampleFormat::float32;
  gen::audio::write_audio(file, {samples.unsqueeze(0).contiguous(), kRate}, o);
  return file;
}

TEST(AudioSpectrogram, WritesEveryFormatAtTheDurationAndRateAsked) {
  auto& m = models();
  for (const char* ext : {".wav", ".flac", ".ogg"}) {
    const auto out = m.dir / (std::string("clip") + ext);
    const auto audio = generate(audio_args(m.folder, out, {"--duration", "0.75"}), out);
    EXPECT_EQ(audio.sample_rate, kRate) << ext;
    EXPECT_EQ(audio.channels(), 1);
    EXPECT_EQ(audio.frames(), 12000) << ext;  // 0.75 s, though the mel covers whole latent rows
    EXPECT_GT(audio.samples.abs().max().item<double>(), 0.0) << ext;
  }
  const auto sidecar = json::parse(gen::test::read_text(m.dir / "clip.wav.json"));
  EXPECT_EQ(sidecar["task"], "text-to-audio");
  EXPECT_EQ(sidecar["vocoder"], "hifigan");
  EXPECT_EQ(sidecar["steps"], 3);
  EXPECT_EQ(sidecar["sampler"], "ddim");
  EXPECT_DOUBLE_EQ(sidecar["cfg_scale"].get<double>(), 2.5);
  EXPECT_EQ(sidecar["seed"], 5);

  // The model's default duration, another output rate, and the spectrogram beside it.
  const auto out = m.dir / "resampled.wav";
  const auto audio = generate(audio_args(m.folder, out, {"--sample-rate", "22050", "--spectrogram"}), out);
  EXPECT_EQ(audio.sample_rate, 22050);
  EXPECT_NEAR(audio.frames(), 22050, 2);
  EXPECT_TRUE(fs::exists(m.dir / "resampled.spectrogram.png"));
  EXPECT_FALSE(fs::exists(m.dir / "clip.spectrogram.png"));
}

TEST(AudioSpectrogram, SameSeedSameBytesOtherSeedOtherClip) {
  auto& m = models();
  const auto a = m.dir / "a.wav", b = m.dir / "b.wav", c = m.dir / "c.wav";
  ASSERT_EQ(run_gen(audio_args(m.folder, a)).exit_code, 0);
  ASSERT_EQ(run_gen(audio_args(m.folder, b)).exit_code, 0);
  auto args = audio_args(m.folder, c);
  args[6] = "6";
  ASSERT_EQ(run_gen(args).exit_code, 0);
  EXPECT_EQ(gen::test::read_text(a), gen::test::read_text(b));
  EXPECT_NE(gen::test::read_text(a), gen::test::read_text(c));
}

TEST(AudioSpectrogram, EverySamplerAndBothVocodersRun) {
  auto& m = models();
  for (const char* sampler : {"ddim", "euler", "euler_a", "dpmpp_2m", "heun", "pndm", "lms", "unipc"}) {
    const auto out = m.dir / (std::string("s-") + sampler + ".wav");
    auto r = run_gen(audio_args(m.folder, out, {"--sampler", sampler, "--steps", "2", "--duration", "0.5"}));
    EXPECT_EQ(r.exit_code, 0) << sampler << ": " << r.err;
  }
  const auto hifigan = m.dir / "v-hifigan.wav", griffin = m.dir / "v-griffin.wav", auto_gl = m.dir / "v-auto.wav";
  ASSERT_EQ(run_gen(audio_args(m.folder, hifigan, {"-O", "vocoder=hifigan"})).exit_code, 0);
  ASSERT_EQ(run_gen(audio_args(m.folder, griffin, {"-O", "vocoder=griffin-lim", "-O", "griffin_lim_iterations=8"}))
                .exit_code,
            0);
  EXPECT_NE(gen::test::read_text(hifigan), gen::test::read_text(griffin));
  EXPECT_EQ(json::parse(gen::test::read_text(m.dir / "v-griffin.wav.json"))["vocoder"], "griffin-lim");
  // No vocoder/ folder: Griffin-Lim by itself, at the mel the model declares.
  const auto audio = generate(audio_args(m.no_vocoder, auto_gl, {"-O", "griffin_lim_iterations=8"}), auto_gl);
  EXPECT_EQ(audio.frames(), kRate);
  EXPECT_EQ(json::parse(gen::test::read_text(m.dir / "v-auto.wav.json"))["vocoder"], "griffin-lim");
  gen::test::expect_one_error_line(run_gen(audio_args(m.no_vocoder, m.dir / "x.wav", {"-O", "vocoder=hifigan"})), 2,
                                   "has no vocoder/");
}

TEST(AudioSpectrogram, NegativePromptAndCfgChangeTheClip) {
  auto& m = models();
  const auto plain = m.dir / "n-plain.wav", negative = m.dir / "n-neg.wav", nocfg = m.dir / "n-cfg1.wav";
  ASSERT_EQ(run_gen(audio_args(m.folder, plain)).exit_code, 0);
  ASSERT_EQ(run_gen(audio_args(m.folder, negative, {"-n", "violin"})).exit_code, 0);
  ASSERT_EQ(run_gen(audio_args(m.folder, nocfg, {"--cfg-scale", "1"})).exit_code, 0);
  EXPECT_NE(gen::test::read_text(plain), gen::test::read_text(negative));
  EXPECT_NE(gen::test::read_text(plain), gen::test::read_text(nocfg));
}

TEST(AudioSpectrogram, AudioToAudioFollowsTheInputsLength) {
  auto& m = models();
  const auto input = write_input(m.dir / "in-a2a.wav", 0.6);
  const auto out = m.dir / "a2a.wav";
  const auto audio = generate(audio_args(m.folder, out, {"-i", input.string(), "--strength", "0.5"}), out);
  EXPECT_EQ(audio.frames(), static_cast<int64_t>(0.6 * kRate));
  const auto sidecar = json::parse(gen::test::read_text(m.dir / "a2a.wav.json"));
  EXPECT_EQ(sidecar["task"], "audio-to-audio");
  EXPECT_DOUBLE_EQ(sidecar["strength"].get<double>(), 0.5);
}

TEST(AudioSpectrogram, ResynthesisRunsTheInputsMelThroughTheVocoderAlone) {
  auto& m = models();
  const auto input = write_input(m.dir / "in-resynth.wav", 0.8);
  for (const char* vocoder : {"hifigan", "griffin-lim"}) {
    const auto out = m.dir / (std::string("resynth-") + vocoder + ".wav");
    const auto audio = generate(audio_args(m.folder, out, {"-i", input.string(), "-O", "resynthesize=true", "-O",
                                                           std::string("vocoder=") + vocoder}),
                                out);
    EXPECT_EQ(audio.frames(), static_cast<int64_t>(0.8 * kRate)) << vocoder;
    const auto sidecar = json::parse(gen::test::read_text(out.string() + ".json"));
    EXPECT_EQ(sidecar["task"], "resynthesis");
    EXPECT_EQ(sidecar["vocoder"], vocoder);
    EXPECT_FALSE(sidecar.contains("strength"));
  }
  // Griffin-Lim needs no training: the input's 440 Hz tone comes back as the loudest bin,
  // as near as the tiny model's 16 mel bands (~120 Hz wide there) can place it.
  const auto clip = gen::audio::read_audio(m.dir / "resynth-griffin-lim.wav").samples[0];
  const auto spectrum = torch::fft_rfft(clip).abs();
  const double peak_hz = spectrum.argmax().item<double>() * kRate / static_cast<double>(clip.size(0));
  EXPECT_NEAR(peak_hz, 440.0, 60.0);
  // Not a diffusion task: the editing flags are refused.
  const auto out = m.dir / "resynth-bad.wav";
  gen::test::expect_one_error_line(run_gen(audio_args(m.folder, out, {"-O", "resynthesize=true"})), 2, "needs -i");
  gen::test::expect_one_error_line(
      run_gen(audio_args(m.folder, out, {"-i", input.string(), "-O", "resynthesize=true", "--strength", "0.5"})), 2,
      "resynthesize");
  gen::test::expect_one_error_line(run_gen(audio_args(m.folder, out, {"-i", input.string(), "-O", "resynthesize_vae=true"})),
                                   2, "resynthesize_vae");
  EXPECT_FALSE(fs::exists(out));
  // Through the VAE too: the clip keeps its length, and the (untrained) VAE changes it.
  const auto vae_out = m.dir / "resynth-vae.wav";
  const auto through_vae = generate(audio_args(m.folder, vae_out, {"-i", input.string(), "-O", "resynthesize=true", "-O",
                                                                    "resynthesize_vae=true", "-O", "vocoder=griffin-lim"}),
                                    vae_out);
  EXPECT_EQ(through_vae.frames(), static_cast<int64_t>(0.8 * kRate));
  EXPECT_EQ(json::parse(gen::test::read_text(vae_out.string() + ".json"))["task"], "resynthesis through the VAE");
  EXPECT_NE(gen::test::read_text(vae_out), gen::test::read_text(m.dir / "resynth-griffin-lim.wav"));
}

TEST(AudioSpectrogram, InpaintingAndContinuationKeepTheRestOfTheInput) {
  auto& m = models();
  const auto input_file = write_input(m.dir / "in-edit.wav", 1.0);
  const auto input = gen::audio::read_audio(input_file).samples[0];
  const std::vector<std::string> float_out = {"-O", "sample_format=float"};

  auto args = audio_args(m.folder, m.dir / "inpaint.wav", {"-i", input_file.string(), "--mask-range", "0.4:0.6"});
  args.insert(args.end(), float_out.begin(), float_out.end());
  const auto inpainted = generate(args, m.dir / "inpaint.wav").samples[0];
  ASSERT_EQ(inpainted.size(0), input.size(0));
  // Outside 0.4-0.6 s the input's samples, exactly; inside, something else.
  EXPECT_TRUE(torch::equal(inpainted.narrow(0, 0, 6400), input.narrow(0, 0, 6400)));
  EXPECT_TRUE(torch::equal(inpainted.narrow(0, 9600, 6400), input.narrow(0, 9600, 6400)));
  EXPECT_GT((inpainted.narrow(0, 7000, 2000) - input.narrow(0, 7000, 2000)).abs().max().item<double>(), 1e-3);
  EXPECT_EQ(json::parse(gen::test::read_text(m.dir / "inpaint.wav.json"))["task"], "inpainting");

  args = audio_args(m.folder, m.dir / "extend.wav", {"-i", input_file.string(), "--extend", "0.5"});
  args.insert(args.end(), float_out.begin(), float_out.end());
  const auto extended = generate(args, m.dir / "extend.wav").samples[0];
  ASSERT_EQ(extended.size(0), input.size(0) + 8000);
  // The input, exactly, up to its last 20 ms, which fade into the continuation.
  EXPECT_TRUE(torch::equal(extended.narrow(0, 0, input.size(0) - 320), input.narrow(0, 0, input.size(0) - 320)));
  EXPECT_GT(extended.narrow(0, input.size(0) + 400, 7000).abs().max().item<double>(), 0.0);
  EXPECT_EQ(json::parse(gen::test::read_text(m.dir / "extend.wav.json"))["task"], "continuation");
}

TEST(AudioSpectrogram, ClapModelsRunFromAStoredPromptEmbedding) {
  auto& m = models();
  gen::test::expect_one_error_line(run_gen(audio_args(m.clap, m.dir / "clap.wav")), 4, "-O prompt_embedding");
  const auto out = m.dir / "clap.wav";
  auto r = run_gen(audio_args(m.clap, out, {"-O", "prompt_embedding=" + m.embedding.string(), "-n", "noise"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(gen::audio::read_audio(out).frames(), kRate);
}

TEST(AudioSpectrogram, BadRequestsGetOneLineAndTheRightExitCode) {
  auto& m = models();
  const auto out = m.dir / "bad.wav";
  const auto input = write_input(m.dir / "in-bad.wav", 0.5);
  gen::test::expect_one_error_line(run_gen(audio_args(m.folder, out, {"--mask-range", "0.1:0.2"})), 2, "needs -i");
  gen::test::expect_one_error_line(run_gen(audio_args(m.folder, out, {"--extend", "1"})), 2, "needs -i");
  gen::test::expect_one_error_line(
      run_gen(audio_args(m.folder, out, {"-i", input.string(), "--mask-range", "0.3"})), 2, "START:END");
  gen::test::expect_one_error_line(
      run_gen(audio_args(m.folder, out, {"-i", input.string(), "--mask-range", "0.3:0.2"})), 2, "after the start");
  gen::test::expect_one_error_line(
      run_gen(audio_args(m.folder, out, {"-i", input.string(), "--mask-range", "2:3"})), 2, "after the end of -i");
  gen::test::expect_one_error_line(
      run_gen(audio_args(m.folder, out, {"-i", input.string(), "--extend", "1", "--duration", "2"})), 2, "--duration");
  gen::test::expect_one_error_line(
      run_gen(audio_args(m.folder, out, {"-i", input.string(), "--extend", "1", "--strength", "0.5"})), 2, "--strength");
  gen::test::expect_one_error_line(run_gen(audio_args(m.folder, out, {"-O", "vocoder=wavenet"})), 2, "vocoder");
  gen::test::expect_one_error_line(run_gen(audio_args(m.folder, out, {"--duration", "-1"})), 2, "duration");
  // A truncated input file.
  const auto whole = gen::test::read_text(input);
  gen::test::write_text(m.dir / "truncated.wav", whole.substr(0, 30));
  gen::test::expect_one_error_line(
      run_gen(audio_args(m.folder, out, {"-i", (m.dir / "truncated.wav").string()})), 3, "truncated.wav");
  gen::test::expect_one_error_line(run_gen(audio_args(m.dir / "missing", out)), 4, "missing");
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
