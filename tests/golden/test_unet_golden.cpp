// UNet2DConditionModel against diffusers 0.29.2 outputs (golden/unet, golden/unet_linproj_g16).
#include <gtest/gtest.h>

#include <torch/csrc/autograd/grad_mode.h>

#include <gen/nn/sd_checkpoint.h>
#include <gen/nn/state_dict.h>
#include <gen/nn/unet2d_condition.h>
#include <gen/safetensors.h>

#include "nn_golden_util.h"

namespace {

using gen::test::all_close;
using gen::test::io_at;

class UNetGolden : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    model = gen::nn::load_diffusers_unet(gen::test::golden_dir() / GetParam());
    io = gen::test::load_io(GetParam());
  }
  gen::nn::UNet2DConditionModel model{nullptr};
  std::map<std::string, torch::Tensor> io;
  torch::NoGradGuard no_grad;
};

TEST_P(UNetGolden, TimeProjectionAndEmbedding) {
  const auto& t = io_at(io, "timestep_int");
  EXPECT_TRUE(all_close(model->time_proj(t), io_at(io, "time_proj_timestep_int")));
  EXPECT_TRUE(all_close(model->time_embed(t), io_at(io, "time_embedding_timestep_int")));
}

TEST_P(UNetGolden, IntegerTimesteps) {
  auto out = model(io_at(io, "sample"), io_at(io, "timestep_int"), io_at(io, "encoder_hidden_states"));
  EXPECT_TRUE(all_close(out, io_at(io, "out_timestep_int")));
}

TEST_P(UNetGolden, FloatTimesteps) {
  auto out = model(io_at(io, "sample"), io_at(io, "timestep_float"), io_at(io, "encoder_hidden_states"));
  EXPECT_TRUE(all_close(out, io_at(io, "out_timestep_float")));
}

TEST_P(UNetGolden, ScalarTimestepBroadcastToBatch) {
  const auto ehs = io_at(io, "encoder_hidden_states");
  auto out0d = model(io_at(io, "cfg_sample"), torch::tensor(int64_t(250)), ehs);
  EXPECT_TRUE(all_close(out0d, io_at(io, "out_cfg_t250")));
  auto out1 = model(io_at(io, "cfg_sample"), torch::full({1}, 250.0f), ehs);
  EXPECT_TRUE(all_close(out1, io_at(io, "out_cfg_t250")));
}

TEST(AttentionChunks, SmallChunksGiveTheSameResult) {
  torch::NoGradGuard no_grad;
  // The chunked attention path (heads, then queries) must agree with the one-shot path.
  auto q = torch::randn({2, 64, 32}), k = torch::randn({2, 7, 32}), v = torch::randn({2, 7, 32});
  gen::nn::AttentionCall whole, tiny;
  whole.heads = tiny.heads = 4;
  tiny.max_score_elements = 5;
  EXPECT_TRUE(all_close(gen::nn::multi_head_attention(q, k, v, tiny), gen::nn::multi_head_attention(q, k, v, whole),
                        1e-6, 1e-6));
}

// Norm groups and head counts are not in the weights: detection takes them as hints,
// here from the case's config.json.
gen::nn::UNet2DConditionConfig detect(const std::string& case_dir, const gen::nn::UNet2DConditionConfig& config) {
  const auto file = gen::test::golden_dir() / case_dir / "diffusion_pytorch_model.safetensors";
  auto f = gen::SafeTensorsFile::open(file);
  gen::nn::ShapeMap shapes;
  for (const auto& t : f.tensors()) shapes[t.name] = t.shape;
  return gen::nn::UNet2DConditionConfig::detect_from_weights(shapes, {config.norm_num_groups, config.num_attention_heads});
}

TEST_P(UNetGolden, ConfigDetectedFromWeightsMatchesStructure) {
  const auto& want = model->config();
  const auto got = detect(GetParam(), want);
  EXPECT_EQ(got.block_out_channels, want.block_out_channels);
  EXPECT_EQ(got.down_block_types, want.down_block_types);
  EXPECT_EQ(got.up_block_types, want.up_block_types);
  EXPECT_EQ(got.layers_per_block, want.layers_per_block);
  EXPECT_EQ(got.cross_attention_dim, want.cross_attention_dim);
  EXPECT_EQ(got.use_linear_projection, want.use_linear_projection);
  EXPECT_EQ(got.transformer_layers_per_block, want.transformer_layers_per_block);
  EXPECT_EQ(got.in_channels, want.in_channels);
  EXPECT_EQ(got.out_channels, want.out_channels);
  EXPECT_EQ(got.norm_num_groups, want.norm_num_groups);
  EXPECT_EQ(got.num_attention_heads, want.num_attention_heads);
}

// The detected architecture, hints included, is the one that produced the outputs
// (a wrong group count loads without error and only shows here).
TEST_P(UNetGolden, DetectedConfigReproducesTheOutputs) {
  gen::nn::UNet2DConditionModel detected(detect(GetParam(), model->config()));
  gen::nn::load_state_dict(*detected, gen::SafeTensorsFile::open(gen::test::golden_dir() / GetParam() /
                                                                 "diffusion_pytorch_model.safetensors"));
  detected->eval();
  auto out = detected(io_at(io, "sample"), io_at(io, "timestep_int"), io_at(io, "encoder_hidden_states"));
  EXPECT_TRUE(all_close(out, io_at(io, "out_timestep_int")));
}

// attention_head_dim is diffusers' legacy name for the head COUNT (a number or one per
// block); the config keys are read as diffusers reads them, whatever the case holds.
TEST_P(UNetGolden, ConfigKeysReadAsDiffusersReadsThem) {
  const auto j = gen::test::read_json(gen::test::golden_dir() / GetParam() / "config.json");
  const auto& c = model->config();
  const auto& heads = j.contains("num_attention_heads") && !j["num_attention_heads"].is_null()
                          ? j["num_attention_heads"]
                          : j.at("attention_head_dim");
  const auto want_heads = heads.is_array() ? heads.get<std::vector<int64_t>>()
                                           : std::vector<int64_t>(c.block_out_channels.size(), heads.get<int64_t>());
  EXPECT_EQ(c.num_attention_heads, want_heads);
  EXPECT_EQ(c.norm_num_groups, j.at("norm_num_groups").get<int64_t>());
  EXPECT_EQ(c.use_linear_projection, j.at("use_linear_projection").get<bool>());
  EXPECT_EQ(c.upcast_attention, j.at("upcast_attention").get<bool>());
  EXPECT_EQ(c.block_out_channels, j.at("block_out_channels").get<std::vector<int64_t>>());
}

INSTANTIATE_TEST_SUITE_P(Cases, UNetGolden, ::testing::Values("unet", "unet_linproj_g16"));

}  // namespace
