// End-to-end: run the built `gen` and check files, exit codes and error lines.
#include <cstdlib>

#include <gen/humans/motion_dataset.h>
#include <gen/image/image_io.h>

#include "test_util.h"

namespace fs = std::filesystem;
using gen::test::run_gen;
using gen::test::TempDir;
using nlohmann::json;

namespace {

std::vector<std::string> template_args(const fs::path& out, const std::string& seed = "42") {
  return {"image", "-m", "gmm2d", "-p", "a ring", "--steps", "12", "-s", seed, "-o", out.string(),
          "-W", "64", "-H", "64", "-O", "points=300", "-q"};
}

fs::path test_plugin(const std::string& name) {
  return fs::path(GEN_TEST_PLUGIN_DIR) / ("libtest_plugin_" + name + ".so");
}

}  // namespace

TEST(Cli, HelpForEverySubcommand) {
  EXPECT_EQ(run_gen({"--help"}).exit_code, 0);
  for (const char* cmd : {"image", "video", "audio", "3d", "motion", "plugins", "train", "bench"}) {
    auto r = run_gen({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd;
  }
  auto image_help = run_gen({"image", "--help"}).out;
  for (const char* flag : {"--prompt", "--negative-prompt", "--steps", "--cfg-scale", "--sampler", "--scheduler",
                           "--seed", "--width", "--height", "--batch-count", "--output", "--model", "--threads",
                           "--device", "--config", "--verbose", "--quiet"})
    EXPECT_NE(image_help.find(flag), std::string::npos) << flag;
}

TEST(Cli, PluginsListsTheTemplate) {
  auto text = run_gen({"plugins"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("template"), std::string::npos);
  auto r = run_gen({"plugins", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  bool found = false;
  for (const auto& p : j["plugins"])
    if (p["name"] == "template") {
      found = true;
      EXPECT_EQ(p["modality"], "image");
      EXPECT_EQ(p["models"][0]["name"], "gmm2d");
      EXPECT_FALSE(p["models"][0]["default"].get<bool>());  // `gen image` never falls back to it
      EXPECT_FALSE(p["options"].empty());
    }
  EXPECT_TRUE(found) << r.out;
  EXPECT_TRUE(j["failed"].is_array());
}

TEST(Cli, TemplateWritesCsvPngAndSidecar) {
  TempDir dir;
  auto r = run_gen(template_args(dir / "out.png"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(gen::test::nonempty_lines(r.out), std::vector<std::string>{(dir / "out.png").string()});
  ASSERT_TRUE(fs::exists(dir / "out.png"));
  ASSERT_TRUE(fs::exists(dir / "out.csv"));
  ASSERT_TRUE(fs::exists(dir / "out.png.json"));
  auto csv = gen::test::nonempty_lines(gen::test::read_text(dir / "out.csv"));
  EXPECT_EQ(csv.size(), 301u);
  EXPECT_EQ(csv[0], "x,y");
  auto image = gen::image::read_image(dir / "out.png");
  EXPECT_EQ(image.width(), 64);
  EXPECT_EQ(image.height(), 64);
  auto meta = json::parse(gen::test::read_text(dir / "out.png.json"));
  EXPECT_EQ(meta["seed"], 42);
  EXPECT_EQ(meta["steps"], 12);
  EXPECT_EQ(meta["prompt"], "a ring");
  auto text = gen::image::read_png_text(dir / "out.png");
  ASSERT_TRUE(text.count("parameters"));
  EXPECT_EQ(json::parse(text["parameters"])["seed"], 42);
  // No temporary files are left behind.
  int files = 0;
  for (auto& e : fs::directory_iterator(dir.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 3);
}

TEST(Cli, SameSeedSameBytesOtherSeedOtherPoints) {
  TempDir dir;
  ASSERT_EQ(run_gen(template_args(dir / "a.png")).exit_code, 0);
  ASSERT_EQ(run_gen(template_args(dir / "b.png")).exit_code, 0);
  ASSERT_EQ(run_gen(template_args(dir / "c.png", "7")).exit_code, 0);
  EXPECT_EQ(gen::test::read_text(dir / "a.csv"), gen::test::read_text(dir / "b.csv"));
  EXPECT_NE(gen::test::read_text(dir / "a.csv"), gen::test::read_text(dir / "c.csv"));
}

TEST(Cli, BatchWritesNumberedFilesWithDerivedSeeds) {
  TempDir dir;
  auto args = template_args(dir / "out.png");
  args.insert(args.end(), {"-b", "3"});
  auto r = run_gen(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (int i = 0; i < 3; ++i) {
    auto png = dir / ("out_" + std::to_string(i) + ".png");
    ASSERT_TRUE(fs::exists(png)) << png;
    auto meta = json::parse(gen::test::read_text(fs::path(png.string() + ".json")));
    EXPECT_EQ(meta["seed"], 42 + i);
  }
  // Item 1 of the batch is exactly the single run with seed 43.
  ASSERT_EQ(run_gen(template_args(dir / "single.png", "43")).exit_code, 0);
  EXPECT_EQ(gen::test::read_text(dir / "out_1.csv"), gen::test::read_text(dir / "single.csv"));
}

TEST(Cli, ConfigFileSuppliesOptionsAndCommandLineWins) {
  TempDir dir;
  gen::test::write_text(dir / "c.yaml", "steps: 7\nseed: 5\noptions:\n  points: 50\n  layout: grid\n");
  gen::test::write_text(dir / "c.json", R"({"steps": 9, "seed": 11, "sampling_method": "euler"})");
  auto r = run_gen({"image", "-m", "gmm2d", "--config", (dir / "c.yaml").string(), "-o", (dir / "y.png").string(),
                    "-W", "32", "-H", "32", "-q", "-s", "6"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto meta = json::parse(gen::test::read_text(dir / "y.png.json"));
  EXPECT_EQ(meta["steps"], 7);
  EXPECT_EQ(meta["seed"], 6);  // the command line wins
  EXPECT_EQ(meta["mixture"]["layout"], "grid");
  EXPECT_EQ(gen::test::nonempty_lines(gen::test::read_text(dir / "y.csv")).size(), 51u);
  r = run_gen({"image", "-m", "gmm2d", "--config", (dir / "c.json").string(), "-o", (dir / "j.png").string(),
               "-W", "32", "-H", "32", "-q", "-O", "points=10"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  meta = json::parse(gen::test::read_text(dir / "j.png.json"));
  EXPECT_EQ(meta["steps"], 9);
  EXPECT_EQ(meta["seed"], 11);
  EXPECT_EQ(meta["sampler"], "euler");
}

TEST(Cli, UsageErrorsExitTwo) {
  TempDir dir;
  auto out = (dir / "x.png").string();
  gen::test::expect_one_error_line(run_gen({"image", "--steps", "-1", "-o", out}), 2, "--steps");
  gen::test::expect_one_error_line(run_gen({"image", "--cfg-scale", "nan", "-o", out}), 2, "cfg-scale");
  gen::test::expect_one_error_line(run_gen({"image", "--no-such-flag"}), 2, "no-such-flag");
  gen::test::expect_one_error_line(run_gen({"image", "-m", "gmm2d", "-O", "layout=hexagon", "-o", out}), 2, "layout");
  gen::test::expect_one_error_line(run_gen({"image", "-m", "gmm2d", "-O", "points=abc", "-o", out}), 2, "points");
  gen::test::expect_one_error_line(run_gen({"image", "-m", "gmm2d", "-O", "novalue", "-o", out}), 2, "key=value");
  gen::test::expect_one_error_line(run_gen({"image", "-m", "gmm2d", "--sampler", "warp_drive", "-o", out}), 2, "dpmpp_2m");
  gen::test::expect_one_error_line(run_gen({"image", "-m", "gmm2d", "-o", (dir / "missing-dir" / "x.png").string()}), 2,
                        "does not exist");
  gen::test::expect_one_error_line(run_gen({}), 2, "");
  EXPECT_FALSE(fs::exists(out));
}

TEST(Cli, DataMotionWritesADatasetItsReaderLoads) {
  TempDir dir;
  const auto data = (dir / "humans").string();
  auto r = run_gen({"data", "motion", "-o", data, "--train", "4", "--heldout", "2", "-s", "3", "--max-frames", "140", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, data + "\n");
  const auto heldout = gen::humans::load_motion_dataset(data, "heldout");
  EXPECT_EQ(heldout.records.size(), 2u);
  EXPECT_EQ(heldout.positions.size(1), 140);
  gen::test::expect_one_error_line(run_gen({"data", "motion", "-o", data, "--fps", "5"}), 2, "--fps");
  gen::test::expect_one_error_line(run_gen({"data", "motion", "-o", data, "--max-frames", "10"}), 2, "--max-frames");
}

TEST(Cli, FlagsAndOptionsAPluginDoesNotDeclareAreRefused) {
  TempDir dir;
  const auto out = (dir / "x.png").string();
  gen::test::write_text(dir / "m.png", "not read");
  gen::test::expect_one_error_line(run_gen({"image", "-m", "gmm2d", "--mask", (dir / "m.png").string(), "-o", out}), 2,
                                   "does not use --mask");
  gen::test::expect_one_error_line(run_gen({"image", "-m", "gmm2d", "-n", "blurry", "-o", out}), 2, "--negative-prompt");
  gen::test::expect_one_error_line(run_gen({"image", "-m", "gmm2d", "-O", "pionts=5", "-o", out}), 2,
                                   "did you mean 'points'");
  gen::test::expect_one_error_line(run_gen({"image", "-m", "gmm2d", "-O", "spread=5", "-o", out}), 2, "spread");
  EXPECT_TRUE(fs::is_empty(dir.path()) || !fs::exists(out));
}

TEST(Cli, OutputThatIsADirectoryIsAUsageError) {
  TempDir dir;
  gen::test::expect_one_error_line(run_gen({"image", "-m", "gmm2d", "-o", dir.path().string()}), 2, "directory");
  gen::test::expect_one_error_line(run_gen({"image", "-m", "gmm2d", "-o", (dir / "x.mp4").string()}), 2, ".png");
}

TEST(Cli, TrainHelpListsThePluginsStages) {
  auto r = run_gen({"train", "image_ldm", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* text : {"vae", "clip", "unet", "-O kl_weight=", "-O min_snr_gamma="})
    EXPECT_NE(r.out.find(text), std::string::npos) << text << " missing from:\n" << r.out;
  TempDir dir;
  gen::test::expect_one_error_line(run_gen({"train", "image_ldm", "-m", "vea", "-o", (dir / "r").string()}), 2,
                                   "did you mean 'vae'");
  gen::test::expect_one_error_line(
      run_gen({"train", "image_ldm", "-m", "vae", "-O", "lr=5", "-o", (dir / "r").string()}), 2, "lr");
}

TEST(Cli, BadInputFilesExitThree) {
  TempDir dir;
  gen::test::expect_one_error_line(run_gen({"image", "--config", "/dev/null"}), 3, "not a regular file");
  gen::test::write_text(dir / "empty.yaml", "");
  gen::test::expect_one_error_line(run_gen({"image", "--config", (dir / "empty.yaml").string()}), 3, "empty");
  gen::test::expect_one_error_line(run_gen({"image", "--config", (dir / "missing.yaml").string()}), 3, "missing.yaml");
  gen::test::write_text(dir / "bad.yaml", "steps: [1, 2\n");
  gen::test::expect_one_error_line(run_gen({"image", "--config", (dir / "bad.yaml").string()}), 3, "JSON/YAML");
}

TEST(Cli, ModelAndPluginErrorsExitFour) {
  TempDir dir;
  gen::test::expect_one_error_line(run_gen({"image", "-m", "no-such-model", "-o", (dir / "x.png").string()}), 4, "gmm2d");
  gen::test::expect_one_error_line(run_gen({"3d", "-m", "no-such-model", "-p", "x"}), 4, "no-such-model");
  gen::test::expect_one_error_line(run_gen({"train", "template", "-o", (dir / "ck").string()}), 2, "cannot train");
}

TEST(Cli, BrokenPluginsGiveOneLineAndExitFour) {
  TempDir dir;
  gen::test::write_text(dir / "libgarbage.so", "not an ELF file");
  for (const char* name : {"no_entry", "abi_mismatch", "torch_mismatch", "factory_throws", "generator_throws"})
    fs::copy_file(test_plugin(name), dir / ("lib" + std::string(name) + ".so"));
  const std::vector<std::string> env{"GEN_PLUGIN_PATH=" + dir.path().string()};
  const std::vector<std::pair<std::string, std::string>> cases{
      {"libgarbage.so", "not a loadable shared library"},
      {"libno_entry.so", "not a gen plugin"},
      {"libabi_mismatch.so", "ABI version"},
      {"libtorch_mismatch.so", "LibTorch 0.4.1"},
      {"libfactory_throws.so", "cannot find my resources"}};
  for (const auto& [file, reason] : cases) {
    auto r = run_gen({"plugins", "--check", (dir / file).string()}, env);
    gen::test::expect_one_error_line(r, 4, reason);
    EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
  }
  // The listing still works and names each failed file separately.
  auto list = run_gen({"plugins", "--json"}, env);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto j = json::parse(list.out);
  EXPECT_EQ(j["failed"].size(), 5u) << list.out;
  // Good plugins still run next to broken ones; a throwing generator is one line, exit 4.
  EXPECT_EQ(run_gen({"plugins", "--check", (dir / "libgenerator_throws.so").string()}, env).exit_code, 0);
  gen::test::expect_one_error_line(run_gen({"motion", "-m", "generator_throws:run", "-q", "-o", (dir / "m.safetensors").string()}, env),
                        4, "plugin 'generator_throws'");
  gen::test::expect_one_error_line(run_gen({"motion", "-m", "load", "-o", (dir / "m.safetensors").string()}, env), 4,
                        "weights file is corrupt");
  gen::test::expect_one_error_line(run_gen({"motion", "-m", "input", "-q", "-o", (dir / "m.safetensors").string()}, env), 3,
                        "truncated");
  EXPECT_FALSE(fs::exists(dir / "m.safetensors"));
  auto image = run_gen(template_args(dir / "ok.png"), env);
  EXPECT_EQ(image.exit_code, 0) << image.err;
}

TEST(Cli, ProgressIsPlainLinesWhenPipedAndSilentWhenQuiet) {
  TempDir dir;
  auto args = template_args(dir / "p.png");
  args.pop_back();  // drop -q
  auto r = run_gen(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos);          // no bar redraws when piped
  EXPECT_NE(r.err.find("sampling"), std::string::npos);
  EXPECT_NE(r.err.find("12/12"), std::string::npos);       // the last step is always reported
  auto quiet = run_gen(template_args(dir / "q.png"));
  EXPECT_EQ(quiet.err, "");
}

TEST(Cli, BenchSgemmReportsRate) {
  auto r = run_gen({"bench", "sgemm", "--size", "128", "--repeats", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("GFLOP/s"), std::string::npos);
}

// OpenBLAS 0.3.21 takes CPUs newer than itself (e.g. Xeon model 207) for a Prescott and
// runs SSE3 kernels at half speed; gen re-runs itself with the right OPENBLAS_CORETYPE.
TEST(Cli, OpenBlasRunsTheKernelsOfThisCpu) {
  if (std::getenv("OPENBLAS_CORETYPE")) GTEST_SKIP() << "the caller chose OPENBLAS_CORETYPE";
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2")) GTEST_SKIP() << "no AVX2: Prescott may be the right choice";
  auto r = run_gen({"--version"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_NE(r.out.find("OpenBLAS"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Prescott"), std::string::npos) << r.out;
}

// libgomp and OpenBLAS read their environment when they load. The `gen` launcher sets it
// and then loads LibTorch; if it ever links LibTorch (or libgomp) itself again, the
// settings come too late and every command pays for loading LibTorch twice.
TEST(Cli, TheLauncherLinksNeitherLibTorchNorOpenMp) {
  auto r = gen::test::run_program({"/usr/bin/readelf", "-d", GEN_EXE});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string needed;  // the NEEDED lines only: the RUNPATH holds the build's path
  for (const auto& line : gen::test::nonempty_lines(r.out))
    if (line.find("(NEEDED)") != std::string::npos) needed += line + "\n";
  ASSERT_NE(needed.find("libc.so"), std::string::npos) << r.out;
  for (const char* lib : {"torch", "c10", "gomp", "blas", "gen_core"})
    EXPECT_EQ(needed.find(lib), std::string::npos) << lib << " in\n" << needed;
  auto version = run_gen({"--version"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_NE(version.out.find("LibTorch"), std::string::npos) << version.out;
}

TEST(Cli, BenchUnetMotionReportsWhereTheStepGoes) {
  auto r = run_gen({"bench", "unet", "--arch", "tiny", "--motion", "tiny", "--frames", "4", "--size", "64",
                    "--repeats", "1", "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("bench unet: arch=tiny motion=tiny batch=2 frames=4"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bench unet_parts: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" motion_share="), std::string::npos) << r.out;
  gen::test::expect_one_error_line(
      run_gen({"bench", "unet", "--arch", "tiny", "--motion", "animatediff-v2", "--size", "64"}), 2, "does not fit");
  gen::test::expect_one_error_line(run_gen({"bench", "unet", "--arch", "tiny", "--frames", "4", "--size", "64"}), 2,
                                   "--frames needs --motion");
}

// AudioLDM's UNet is timed over mel frames (latent frames/4 x 16), its vocoder in real time.
TEST(Cli, BenchTimesAnAudioLdmUNetOverMelFramesAndAVocoderAgainstRealTime) {
  TempDir dir;
  const json unet = {{"_class_name", "UNet2DConditionModel"}, {"in_channels", 8}, {"out_channels", 8},
                     {"block_out_channels", {8, 16}}, {"down_block_types", {"DownBlock2D", "CrossAttnDownBlock2D"}},
                     {"up_block_types", {"CrossAttnUpBlock2D", "UpBlock2D"}}, {"layers_per_block", 1},
                     {"attention_head_dim", 2}, {"cross_attention_dim", {8, 16}}, {"norm_num_groups", 4},
                     {"class_embed_type", "simple_projection"}, {"projection_class_embeddings_input_dim", 32},
                     {"class_embeddings_concat", true}};
  gen::test::write_text(dir / "unet.json", unet.dump());
  auto r = run_gen({"bench", "unet", "--arch", (dir / "unet.json").string(), "--frames", "64", "--repeats", "1",
                    "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("batch=2 latent=16x16"), std::string::npos) << r.out;
  gen::test::expect_one_error_line(
      run_gen({"bench", "unet", "--arch", (dir / "unet.json").string(), "--frames", "30"}), 2, "multiple of 8");
  const json vocoder = {{"model_in_dim", 16}, {"sampling_rate", 16000}, {"upsample_initial_channel", 16},
                        {"upsample_rates", {4, 4}}, {"upsample_kernel_sizes", {8, 8}}, {"resblock_kernel_sizes", {3}},
                        {"resblock_dilation_sizes", {{1, 3}}}};
  gen::test::write_text(dir / "vocoder.json", vocoder.dump());
  r = run_gen({"bench", "vocoder", "--arch", (dir / "vocoder.json").string(), "--frames", "100", "--repeats", "1",
               "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("frames=100 audio=0.10s"), std::string::npos) << r.out;  // 100 x 16 samples at 16 kHz
  EXPECT_NE(r.out.find("realtime_factor="), std::string::npos) << r.out;
  // A preset's vocoder part is found by name; a preset without one is one clear line.
  gen::test::expect_one_error_line(run_gen({"bench", "vocoder", "--arch", "tiny"}), 3, "no \"vocoder\"");
}

TEST(Cli, BenchTxt2imgMeasuresAWholeRunPlainAndLowMemory) {
  auto r = run_gen({"bench", "txt2img", "--arch", "tiny", "--size", "64", "--steps", "2", "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("low_memory=0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("low_memory=1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("peak_rss="), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(".png"), std::string::npos) << r.out;  // the child's output line is not ours
  EXPECT_EQ(run_gen({"bench", "txt2img", "--arch", "models/sd15.json", "--size", "64"}).exit_code, 2);  // usage error
}

TEST(Cli, BenchSaveModelWritesAFolderGenImageRuns) {
  TempDir dir;
  auto w = run_gen({"bench", "txt2img", "--arch", "tiny", "--save-model", (dir / "m").string()});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  auto r = run_gen({"image", "-m", (dir / "m").string(), "-p", "a photo", "-W", "64", "-H", "64", "--steps", "2",
                    "-o", (dir / "x.png").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir / "x.png"));
}

TEST(Cli, ProgressBarOnATerminal) {
  // util-linux `script` runs gen on a pseudo-terminal, as a person at a shell would.
  if (!fs::exists("/usr/bin/script")) FAIL() << "/usr/bin/script (util-linux) is required for this test";
  TempDir dir;
  const std::string command = std::string(GEN_EXE) + " image -m gmm2d --steps 20 -W 32 -H 32 -O points=50 -o " +
                              (dir / "t.png").string();
  auto r = gen::test::run_program({"/usr/bin/script", "-q", "-e", "-c", command, "/dev/null"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find('\r'), std::string::npos) << r.out;      // the bar redraws in place
  EXPECT_NE(r.out.find("20/20"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("it/s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ETA"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[####"), std::string::npos) << r.out;
}
