// configs/: every model preset parses into networks that fit together, every motion
// preset fits a model preset's UNet, every example run config runs with `gen image
// --config`, and `gen bench --arch` reads presets by name (also through
// $GEN_CONFIGS_DIR) and by path.
#include <algorithm>
#include <cstdlib>
#include <regex>

#include <nlohmann/json.hpp>

#include <gen/bench/model_preset.h>
#include <gen/error.h>
#include <gen/nn/unet_motion_config.h>

#include "test_util.h"

namespace fs = std::filesystem;
using gen::bench::ModelPreset;
using gen::test::run_gen;
using gen::test::TempDir;

namespace {

fs::path configs_root() { return fs::path(GEN_SOURCE_DIR) / "configs"; }

std::vector<fs::path> files_in(const std::string& folder, const std::string& extension) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(configs_root() / folder))
    if (e.path().extension() == extension) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Sets $GEN_CONFIGS_DIR for one test (the installed presets must not answer instead).
class ConfigsDirFor {
 public:
  explicit ConfigsDirFor(const fs::path& dir) { ::setenv("GEN_CONFIGS_DIR", dir.c_str(), 1); }
  ~ConfigsDirFor() { ::unsetenv("GEN_CONFIGS_DIR"); }
};

double weights_mb(const std::string& bench_out) {
  std::smatch m;
  if (!std::regex_search(bench_out, m, std::regex("weights=([0-9.]+)MB"))) return -1;
  return std::stod(m[1]);
}

nlohmann::json tiny_preset_json() {
  return nlohmann::json::parse(gen::test::read_text(configs_root() / "models" / "tiny.json"));
}

}  // namespace

// So that no file escapes the tests below.
TEST(Configs, EveryFileIsAPresetAnExampleOrTheReadme) {
  for (const auto& e : fs::recursive_directory_iterator(configs_root())) {
    if (!e.is_regular_file()) continue;
    const auto rel = fs::relative(e.path(), configs_root());
    const auto folder = rel.parent_path().string(), ext = rel.extension().string();
    EXPECT_TRUE(rel == "README.md" || (folder == "models" && ext == ".json") ||
                (folder == "motion" && ext == ".json") || (folder == "generation" && ext == ".json") ||
                (folder == "examples" && ext == ".yaml") ||
                (folder == "humans" && (rel.stem() == "actions" || rel.stem() == "captions" || rel.stem() == "splits") &&
                 ext == ".json") ||
                (folder == "sounds" &&
                 (rel.stem() == "world" || rel.stem() == "captions" || rel.stem() == "splits" || rel.stem() == "judges") &&
                 ext == ".json") ||
                (folder == "solids" && (rel.stem() == "world" || rel.stem() == "captions" || rel.stem() == "splits") &&
                 ext == ".json"))
        << rel << " is neither a model preset (models/*.json), a motion preset (motion/*.json), generation "
                  "defaults (generation/*.json), an example (examples/*.yaml) nor one of the worlds' configs "
                  "(humans/{actions,captions,splits}.json, sounds/{world,captions,splits,judges}.json, "
                  "solids/{world,captions,splits}.json, compiled into libgen_humans / libgen_sounds / libgen_solids "
                  "and tested through them)";
  }
}

// generation/<model>.json is the source of assets/<model>/generation_defaults.json (the
// training script copies it): the two must not drift apart.
TEST(Configs, GenerationDefaultsAreWhatTheShippedModelsCarry) {
  int checked = 0;
  for (const auto& e : fs::directory_iterator(configs_root() / "generation")) {
    const auto shipped = fs::path(GEN_SOURCE_DIR) / "assets" / e.path().stem() / "generation_defaults.json";
    ASSERT_TRUE(fs::exists(shipped)) << shipped;
    EXPECT_EQ(nlohmann::json::parse(gen::test::read_text(e.path())), nlohmann::json::parse(gen::test::read_text(shipped)))
        << e.path();
    ++checked;
  }
  EXPECT_GE(checked, 1);
}

TEST(Configs, EveryModelPresetParsesIntoPartsThatFitTogether) {
  const auto presets = files_in("models", ".json");
  ASSERT_GE(presets.size(), 3u);
  for (const auto& file : presets) {
    SCOPED_TRACE(file.string());
    ModelPreset p;
    ASSERT_NO_THROW(p = ModelPreset::from_file(file));
    EXPECT_EQ(p.name, file.stem().string());
    EXPECT_FALSE(p.description.empty());
    ASSERT_TRUE(p.unet && p.vae && p.scheduler);
    EXPECT_EQ(p.unet->in_channels, p.vae->latent_channels);  // denoises the VAE's latents
    EXPECT_EQ(p.scheduler->value("num_train_timesteps", 0), 1000);
    if (p.unet->has_class_embedding()) {  // AudioLDM: a mel VAE, a vocoder, the CLAP embedding as a class
      ASSERT_TRUE(p.vocoder);
      EXPECT_EQ(p.vae->in_channels, 1);
      EXPECT_EQ(p.vae->downsample_factor(), 4);  // `gen bench unet --frames` assumes f = 4 and 64 bands
      EXPECT_EQ(p.vocoder->model_in_dim, 64);
      EXPECT_EQ(p.unet->projection_class_embeddings_input_dim, 512);
      continue;
    }
    ASSERT_TRUE(p.text_encoder);
    EXPECT_EQ(p.unet->cross_attention_dim, p.text_encoder->hidden_size);  // attends to the text encoder's output
    EXPECT_EQ(p.vae->downsample_factor(), 8);  // so `gen bench --size` means the same for every preset
  }
}

TEST(Configs, PresetsAreTheArchitecturesTheirNamesSay) {
  ConfigsDirFor dir(configs_root());
  const auto names = gen::bench::model_preset_names();
  for (const char* name : {"sd15", "sd21", "tiny", "audioldm-s"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  const auto sd15 = gen::bench::load_model_preset("sd15");
  const auto sd21 = gen::bench::load_model_preset("sd21");
  EXPECT_EQ(sd15.unet->block_out_channels, sd21.unet->block_out_channels);  // SD 2 changed attention, not widths
  EXPECT_EQ(sd15.unet->num_attention_heads, std::vector<int64_t>(4, 8));
  for (size_t i = 0; i < sd21.unet->block_out_channels.size(); ++i)  // 64-wide heads
    EXPECT_EQ(sd21.unet->block_out_channels[i] / sd21.unet->num_attention_heads[i], 64);
  EXPECT_TRUE(sd21.unet->use_linear_projection);
  EXPECT_FALSE(sd15.unet->use_linear_projection);
  EXPECT_EQ(sd15.text_encoder->hidden_act, "quick_gelu");  // OpenAI CLIP
  EXPECT_EQ(sd21.text_encoder->hidden_act, "gelu");        // OpenCLIP
}

// An adapter is made for one UNet layout; a motion preset no model preset can take is a typo.
TEST(Configs, EveryMotionPresetFitsAModelPresetsUNet) {
  const auto presets = files_in("motion", ".json");
  ASSERT_GE(presets.size(), 2u);
  std::vector<ModelPreset> models;
  for (const auto& file : files_in("models", ".json")) models.push_back(ModelPreset::from_file(file));
  for (const auto& file : presets) {
    SCOPED_TRACE(file.string());
    gen::bench::MotionPreset p;
    ASSERT_NO_THROW(p = gen::bench::MotionPreset::from_file(file));
    EXPECT_EQ(p.name, file.stem().string());
    EXPECT_FALSE(p.description.empty());
    int fits = 0;
    for (const auto& m : models) {
      try {
        gen::nn::UNetMotionConfig::from_unet_and_adapter(*m.unet, p.motion_adapter);
        ++fits;
      } catch (const gen::ModelError&) {
      }
    }
    EXPECT_GE(fits, 1);
  }
}

// diffusers' MotionAdapter config of guoyww/animatediff-motion-adapter-v1-5-2 (and -3).
TEST(Configs, AnimateDiffV2PresetIsTheSd15Adapter) {
  ConfigsDirFor dir(configs_root());
  const auto names = gen::bench::motion_preset_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "animatediff-v2"), names.end());
  const auto a = gen::bench::load_motion_preset("animatediff-v2").motion_adapter;
  EXPECT_EQ(a.block_out_channels, (std::vector<int64_t>{320, 640, 1280, 1280}));
  EXPECT_EQ(a.motion_layers_per_block, 2);
  EXPECT_TRUE(a.use_motion_mid_block);
  EXPECT_EQ(a.motion_mid_block_layers_per_block, 1);
  EXPECT_EQ(a.motion_num_attention_heads, 8);
  EXPECT_EQ(a.motion_norm_num_groups, 32);
  EXPECT_EQ(a.motion_max_seq_length, 32);
  EXPECT_NO_THROW(gen::nn::UNetMotionConfig::from_unet_and_adapter(*gen::bench::load_model_preset("sd15").unet, a));
  EXPECT_THROW(gen::bench::load_motion_preset("animatediff-v9"), gen::UsageError);
}

TEST(Configs, BadMotionPresetsAreRefusedNamingTheProblem) {
  const fs::path file = "bad.json";
  const auto good = nlohmann::json::parse(gen::test::read_text(configs_root() / "motion" / "tiny.json"));
  auto expect_input_error = [&](const nlohmann::json& j, const std::string& needle) {
    try {
      gen::bench::MotionPreset::from_json(j, file);
      ADD_FAILURE() << "accepted " << j.dump();
    } catch (const gen::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  auto misspelt = good;
  misspelt["motion_adaptor"] = misspelt["motion_adapter"];
  expect_input_error(misspelt, "unknown key \"motion_adaptor\"");
  auto broken = good;
  broken["motion_adapter"]["motion_layers_per_block"] = 0;
  expect_input_error(broken, "\"motion_adapter\": motion adapter config: motion_layers_per_block");
  expect_input_error(nlohmann::json{{"description", "no adapter"}}, "needs \"motion_adapter\"");
  EXPECT_NO_THROW(gen::bench::MotionPreset::from_json(good, file));
}

// --motion also takes what diffusers writes: an adapter folder with its config.json.
TEST(Configs, BenchMotionReadsADiffusersAdapterFolder) {
  TempDir tmp;
  const auto adapter = nlohmann::json::parse(gen::test::read_text(configs_root() / "motion" / "tiny.json"));
  fs::create_directories(tmp / "adapter");
  gen::test::write_text(tmp / "adapter" / "config.json", adapter["motion_adapter"].dump(2));
  auto r = run_gen({"bench", "unet", "--arch", "tiny", "--motion", (tmp / "adapter").string(), "--frames", "2",
                    "--size", "64", "--repeats", "1", "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("bench unet_parts: "), std::string::npos) << r.out;
  gen::test::expect_one_error_line(
      run_gen({"bench", "unet", "--arch", "tiny", "--motion", (tmp / "none").string(), "--size", "64"}), 3,
      "cannot read motion adapter config");
}

TEST(Configs, BadPresetsAreRefusedNamingTheProblem) {
  TempDir tmp;
  auto expect_input_error = [&](const nlohmann::json& j, const std::string& needle) {
    const auto file = tmp / "bad.json";
    gen::test::write_text(file, j.dump());
    try {
      ModelPreset::from_file(file);
      ADD_FAILURE() << "accepted " << j.dump();
    } catch (const gen::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  auto misspelt = tiny_preset_json();
  misspelt["vea"] = misspelt["vae"];
  expect_input_error(misspelt, "\"vea\"");
  auto broken = tiny_preset_json();
  broken["unet"]["down_block_types"] = {"CrossAttnDownBlock2D"};  // one block type for two widths
  expect_input_error(broken, "\"unet\"");
  expect_input_error(tiny_preset_json()["unet"], "not a model preset");  // a single network's config

  ConfigsDirFor dir(configs_root());
  try {
    gen::bench::load_model_preset("sd16");
    ADD_FAILURE() << "an unknown name was accepted";
  } catch (const gen::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("sd15"), std::string::npos) << e.what();  // lists the known ones
  }
}

TEST(Configs, EveryExampleRunsWithGenImage) {
  const auto examples = files_in("examples", ".yaml");
  ASSERT_GE(examples.size(), 2u);
  for (const auto& file : examples) {
    TempDir tmp;
    auto r = run_gen({"image", "--config", file.string(), "-o", (tmp / "out.png").string(), "-q", "--threads", "1"});
    ASSERT_EQ(r.exit_code, 0) << file << ": " << r.err;
    const auto written = gen::test::nonempty_lines(r.out);
    ASSERT_FALSE(written.empty()) << file;
    for (const auto& path : written) EXPECT_TRUE(fs::exists(path)) << file << ": " << path;
  }
}

TEST(Configs, BenchReadsAPresetByNameByPathAndThroughGenConfigsDir) {
  const std::vector<std::string> unet = {"bench", "unet", "--size", "64", "--repeats", "1", "--threads", "1"};
  auto with_arch = [&](const std::string& arch) {
    auto args = unet;
    args.insert(args.end(), {"--arch", arch});
    return args;
  };
  auto by_name = run_gen(with_arch("tiny"));
  ASSERT_EQ(by_name.exit_code, 0) << by_name.err;
  EXPECT_NE(by_name.out.find("bench unet: arch=tiny"), std::string::npos) << by_name.out;

  // A UNet-only preset with twice the layers per block: its own numbers, not tiny's.
  TempDir tmp;
  auto deeper = nlohmann::json{{"description", "deeper"}, {"unet", tiny_preset_json()["unet"]}};
  deeper["unet"]["layers_per_block"] = 2;
  fs::create_directories(tmp / "models");
  gen::test::write_text(tmp / "models" / "deeper.json", deeper.dump(2));
  auto by_path = run_gen(with_arch((tmp / "models" / "deeper.json").string()));
  ASSERT_EQ(by_path.exit_code, 0) << by_path.err;
  EXPECT_GT(weights_mb(by_path.out), weights_mb(by_name.out) + 0.5) << by_name.out << by_path.out;

  auto through_env = run_gen(with_arch("deeper"), {"GEN_CONFIGS_DIR=" + tmp.path().string()});
  ASSERT_EQ(through_env.exit_code, 0) << through_env.err;
  EXPECT_EQ(weights_mb(through_env.out), weights_mb(by_path.out));

  // The preset has no VAE: bad input, said in one line.
  auto vae = run_gen({"bench", "vae", "--arch", (tmp / "models" / "deeper.json").string(), "--size", "64"});
  gen::test::expect_one_error_line(vae, 3, "no \"vae\"");
  gen::test::expect_one_error_line(run_gen(with_arch("sd16")), 2, "unknown model preset 'sd16'");
}
