// UNet2DConditionModel configured as AudioLDM's against diffusers 0.29.2 (golden/audioldm_unet):
// no encoder_hidden_states (every attn2 attends to its own block), the CLAP embedding as a
// simple_projection class embedding concatenated after the time embedding, per-block
// cross_attention_dim. Loaded as a folder, as its lone file, from detected shapes, and as
// part of a diffusers AudioLDM folder assembled from the golden cases.
#include <gtest/gtest.h>

#include <functional>
#include <iostream>

#include <torch/csrc/autograd/grad_mode.h>

#include <gen/error.h>
#include <gen/nn/audioldm_checkpoint.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/nn/unet2d_condition.h>
#include <gen/safetensors.h>

#include "nn_golden_util.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using gen::test::all_close;
using gen::test::io_at;
using gen::test::read_json;

#define EXPECT_CONTAINS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

// Prints the errors the final report quotes; the pass/fail decision is all_close's.
void print_unet_errors(const std::string& what, const torch::Tensor& got, const torch::Tensor& want) {
  auto diff = (got.detach().to(torch::kFloat64) - want.detach().to(torch::kFloat64)).abs();
  std::cout << "[audioldm_unet] " << what << ": max abs error " << diff.max().item<double>() << "\n";
}

template <typename E>
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

fs::path audioldm_unet_case_dir() { return gen::test::golden_dir() / "audioldm_unet"; }
fs::path audioldm_unet_weights_file() { return audioldm_unet_case_dir() / "diffusion_pytorch_model.safetensors"; }

// Norm groups and heads are not in the weights: the case's config gives them to detection.
gen::nn::UNetDetectHints hints_of(const gen::nn::UNet2DConditionConfig& c) {
  return {c.norm_num_groups, c.num_attention_heads};
}

class AudioLdmUNetGolden : public ::testing::Test {
 protected:
  void SetUp() override {
    io = gen::test::load_io("audioldm_unet");
    model = gen::nn::load_diffusers_unet(audioldm_unet_case_dir());
  }
  // diffusers' call: unet(sample, t, encoder_hidden_states=None, class_labels=labels).
  torch::Tensor run(gen::nn::UNet2DConditionModel& m, const std::string& sample, const torch::Tensor& t,
                    const std::string& labels) {
    return m(io_at(io, sample), t, torch::Tensor(), io_at(io, labels));
  }
  void expect_integer_timesteps_output(gen::nn::UNet2DConditionModel& m) {
    EXPECT_TRUE(all_close(run(m, "sample", io_at(io, "timestep_int"), "class_labels"), io_at(io, "out_timestep_int")));
  }

  std::map<std::string, torch::Tensor> io;
  gen::nn::UNet2DConditionModel model{nullptr};
  torch::NoGradGuard no_grad;
};

TEST_F(AudioLdmUNetGolden, ConfigKeysReadAsDiffusersReadsThem) {
  const auto j = read_json(audioldm_unet_case_dir() / "config.json");
  const auto& c = model->config();
  EXPECT_EQ(c.class_embed_type, j.at("class_embed_type").get<std::string>());
  EXPECT_EQ(c.projection_class_embeddings_input_dim, j.at("projection_class_embeddings_input_dim").get<int64_t>());
  EXPECT_EQ(c.class_embeddings_concat, j.at("class_embeddings_concat").get<bool>());
  EXPECT_EQ(c.cross_attention_dims, j.at("cross_attention_dim").get<std::vector<int64_t>>());
  EXPECT_TRUE(c.can_attend_to_itself());
  EXPECT_EQ(c.norm_num_groups, j.at("norm_num_groups").get<int64_t>());
  // Concatenation doubles what every ResNet's time projection reads.
  auto* resnet = model->down_blocks[0]->as<gen::nn::UNetDownBlock>()->resnets[0]->as<gen::nn::ResnetBlock2D>();
  EXPECT_EQ(resnet->time_emb_proj->weight.size(1), 2 * c.time_embed_dim());
  const auto again = gen::nn::UNet2DConditionConfig::from_json(c.to_json());
  EXPECT_EQ(again.to_json(), c.to_json());
  int64_t params = 0;
  for (const auto& p : model->parameters()) params += p.numel();
  EXPECT_EQ(params, read_json(audioldm_unet_case_dir() / "info.json").at("num_params").get<int64_t>());
}

TEST_F(AudioLdmUNetGolden, TimeAndClassEmbeddings) {
  const auto& t = io_at(io, "timestep_int");
  const auto& labels = io_at(io, "class_labels");
  EXPECT_TRUE(all_close(model->time_proj(t), io_at(io, "time_proj_timestep_int")));
  EXPECT_TRUE(all_close(model->time_embed(t), io_at(io, "time_embedding_timestep_int")));
  EXPECT_TRUE(all_close(model->class_embed(labels), io_at(io, "class_embedding")));
  EXPECT_TRUE(all_close(model->conditioning_embedding(t, labels.size(0), labels), io_at(io, "emb_timestep_int")));
}

TEST_F(AudioLdmUNetGolden, IntegerTimesteps) {
  const auto out = run(model, "sample", io_at(io, "timestep_int"), "class_labels");
  print_unet_errors("out_timestep_int", out, io_at(io, "out_timestep_int"));
  EXPECT_TRUE(all_close(out, io_at(io, "out_timestep_int")));
}

TEST_F(AudioLdmUNetGolden, FloatTimesteps) {
  const auto out = run(model, "sample", io_at(io, "timestep_float"), "class_labels");
  print_unet_errors("out_timestep_float", out, io_at(io, "out_timestep_float"));
  EXPECT_TRUE(all_close(out, io_at(io, "out_timestep_float")));
}

// 25 latent frames: not a multiple of 4, so each upsampler takes its skip's size.
TEST_F(AudioLdmUNetGolden, OddLengthLatent) {
  const auto out = run(model, "sample_odd", io_at(io, "timestep_odd"), "class_labels_odd");
  print_unet_errors("out_odd", out, io_at(io, "out_odd"));
  EXPECT_TRUE(all_close(out, io_at(io, "out_odd")));
}

// The pipeline's CFG batch [uncond, cond] with a 0-d timestep, then u + 2.5 (c - u).
TEST_F(AudioLdmUNetGolden, GuidedBatchWithScalarTimestep) {
  const auto out = run(model, "cfg_sample", torch::tensor(int64_t(250)), "cfg_class_labels");
  print_unet_errors("out_cfg_t250", out, io_at(io, "out_cfg_t250"));
  EXPECT_TRUE(all_close(out, io_at(io, "out_cfg_t250")));
  const auto u = out.narrow(0, 0, 1), c = out.narrow(0, 1, 1);
  const auto guided = u + 2.5 * (c - u);
  print_unet_errors("out_cfg_t250_guided_2.5", guided, io_at(io, "out_cfg_t250_guided_2.5"));
  EXPECT_TRUE(all_close(guided, io_at(io, "out_cfg_t250_guided_2.5")));
}

// The class labels condition the output: another embedding gives another prediction.
TEST_F(AudioLdmUNetGolden, ClassLabelsMatter) {
  const auto& t = io_at(io, "timestep_int");
  const auto other = model(io_at(io, "sample"), t, torch::Tensor(), io_at(io, "class_labels").flip({0}));
  EXPECT_FALSE(all_close(other, io_at(io, "out_timestep_int")));
}

TEST_F(AudioLdmUNetGolden, WrongInputsAreUsageErrors) {
  const auto& s = io_at(io, "sample");
  const auto& t = io_at(io, "timestep_int");
  const auto& labels = io_at(io, "class_labels");
  EXPECT_CONTAINS(error_of<gen::UsageError>([&] { model(s, t, torch::Tensor()); }), "needs class_labels");
  EXPECT_CONTAINS(error_of<gen::UsageError>([&] { model(s, t, torch::zeros({2, 7, 16}), labels); }),
                  "contexts of different widths");
  EXPECT_CONTAINS(error_of<gen::UsageError>([&] { model(s, t, torch::Tensor(), labels.narrow(1, 0, 100)); }),
                  "class_labels must be [B, 512]");
  EXPECT_CONTAINS(error_of<gen::UsageError>([&] { model(s, t, torch::Tensor(), labels.narrow(0, 0, 1)); }),
                  "1 rows for a batch of 2");
}

TEST_F(AudioLdmUNetGolden, DetectedConfigReproducesTheOutputs) {
  const auto shapes = gen::nn::shapes_in(gen::SafeTensorsFile::open(audioldm_unet_weights_file()));
  auto detected = gen::nn::UNet2DConditionConfig::detect_from_weights(shapes, hints_of(model->config()));
  detected.sample_size = model->config().sample_size;  // not in the weights, and unused by forward
  EXPECT_EQ(detected.to_json(), model->config().to_json());
  gen::nn::UNet2DConditionModel m(detected);
  gen::nn::load_state_dict(*m, gen::SafeTensorsFile::open(audioldm_unet_weights_file()));
  m->eval();
  expect_integer_timesteps_output(m);
}

// The lone weights file: beside its config.json, and moved away from it (shapes + hints).
TEST_F(AudioLdmUNetGolden, SingleFileLoads) {
  auto beside = gen::nn::load_diffusers_unet(audioldm_unet_weights_file());
  expect_integer_timesteps_output(beside);
  gen::test::TempDir dir;
  fs::copy_file(audioldm_unet_weights_file(), dir / "audioldm_unet.safetensors");
  auto alone = gen::nn::load_diffusers_unet(dir / "audioldm_unet.safetensors", true, hints_of(model->config()));
  expect_integer_timesteps_output(alone);
}

// A config whose class projection is narrower than the stored one names the tensor.
TEST_F(AudioLdmUNetGolden, MismatchedConfigNamesTheTensor) {
  gen::test::TempDir dir;
  auto j = read_json(audioldm_unet_case_dir() / "config.json");
  j["projection_class_embeddings_input_dim"] = 256;
  gen::test::write_text(dir / "config.json", j.dump(2));
  fs::copy_file(audioldm_unet_weights_file(), dir / "diffusion_pytorch_model.safetensors");
  EXPECT_CONTAINS(error_of<gen::ModelError>([&] { gen::nn::load_diffusers_unet(dir.path()); }),
                  "class_embedding.weight: checkpoint [32, 512] vs model [32, 256]");
}

// A diffusers AudioLDM folder made of the golden unet, vae and vocoder cases (links, no copies).
class AudioLdmFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    gen::test::write_text(dir / "model_index.json", R"({"_class_name": "AudioLDMPipeline"})");
    const auto golden = fs::absolute(gen::test::golden_dir());
    fs::create_directory_symlink(golden / "audioldm_unet", dir / "unet");
    fs::create_directory_symlink(golden / "audioldm_vae", dir / "vae");
    fs::create_directory_symlink(golden / "vocoder_hifigan", dir / "vocoder");
  }
  gen::test::TempDir dir;
  torch::NoGradGuard no_grad;
};

TEST_F(AudioLdmFolder, LoadsTheThreeNetworks) {
  auto m = gen::nn::load_audioldm_folder(dir.path());
  const auto io = gen::test::load_io("audioldm_unet");
  const auto out = m.unet(io_at(io, "sample"), io_at(io, "timestep_int"), torch::Tensor(), io_at(io, "class_labels"));
  EXPECT_TRUE(all_close(out, io_at(io, "out_timestep_int")));
  EXPECT_DOUBLE_EQ(m.vae->config().scaling_factor,
                   read_json(gen::test::golden_dir() / "audioldm_vae" / "config.json").at("scaling_factor").get<double>());
  const auto voc = gen::test::load_io("vocoder_hifigan");
  EXPECT_TRUE(all_close(m.vocoder(io_at(voc, "spectrogram")), io_at(voc, "waveform")));
  EXPECT_TRUE(m.scheduler_config.empty());
}

TEST_F(AudioLdmFolder, PartsThatDoNotFitAreNamed) {
  auto unet = gen::nn::UNet2DConditionConfig::from_json_file(audioldm_unet_case_dir() / "config.json");
  const auto vae = gen::nn::AutoencoderKLConfig::from_json_file(gen::test::golden_dir() / "audioldm_vae" / "config.json");
  auto vocoder = gen::nn::HifiGanConfig::from_json_file(gen::test::golden_dir() / "vocoder_hifigan" / "config.json");
  EXPECT_NO_THROW(gen::nn::check_audioldm_parts(unet, vae, vocoder));
  unet.in_channels = 4;
  vocoder.model_in_dim = 18;
  const auto msg = error_of<gen::ModelError>([&] { gen::nn::check_audioldm_parts(unet, vae, vocoder); });
  EXPECT_CONTAINS(msg, "the UNet maps 4 to 8 channels, the VAE's latents have 8");
  EXPECT_CONTAINS(msg, "18 mel bands do not divide by the VAE's downsampling factor 4");
  gen::test::write_text(dir / "model_index.json", R"({"_class_name": "AudioLDM2Pipeline"})");
  EXPECT_CONTAINS(error_of<gen::ModelError>([&] { gen::nn::load_audioldm_folder(dir.path()); }), "AudioLDM2Pipeline");
}

}  // namespace
