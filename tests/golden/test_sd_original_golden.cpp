// Single-file original-layout checkpoint (F16) -> the same outputs as the diffusers
// layout; the key map agrees with golden/sd_original/key_map.json.
#include <gtest/gtest.h>

#include <algorithm>

#include <torch/csrc/autograd/grad_mode.h>

#include <gen/error.h>
#include <gen/nn/original_layout.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/safetensors.h>

#include "nn_golden_util.h"

namespace {

using gen::test::all_close;
using gen::test::golden_dir;
using gen::test::io_at;

std::filesystem::path checkpoint() { return golden_dir() / "sd_original" / "tiny_sd_original_f16.safetensors"; }

// The single file holds the weights of the unet/, vae/ and clip_text/ cases, whose configs say
// what the weights cannot: norm groups and heads (detection hints), and the text encoder's heads,
// activation and EOS id (tiny CLIPs differ from real CLIP, so its whole config is the override).
gen::nn::UNet2DConditionConfig unet_case_config() {
  return gen::nn::UNet2DConditionConfig::from_json_file(golden_dir() / "unet" / "config.json");
}
gen::nn::AutoencoderKLConfig vae_case_config() {
  return gen::nn::AutoencoderKLConfig::from_json_file(golden_dir() / "vae" / "config.json");
}

gen::nn::SingleFileOptions options() {
  gen::nn::SingleFileOptions o;
  o.text_config = gen::nn::ClipTextConfig::from_json_file(golden_dir() / "clip_text" / "config.json");
  const auto unet = unet_case_config();
  o.unet_hints = {unet.norm_num_groups, unet.num_attention_heads};
  o.vae_norm_num_groups = vae_case_config().norm_num_groups;
  return o;
}

class SdOriginal : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sd = new gen::nn::StableDiffusionModels(gen::nn::load_single_file(checkpoint(), options())); }
  static void TearDownTestSuite() { delete sd; }
  static gen::nn::StableDiffusionModels* sd;
  torch::NoGradGuard no_grad;
};
gen::nn::StableDiffusionModels* SdOriginal::sd = nullptr;

TEST_F(SdOriginal, InfersTheDiffusersConfigs) {
  const auto unet = unet_case_config();
  EXPECT_EQ(sd->sd_version, gen::nn::detect_sd_version(unet));
  EXPECT_EQ(sd->unet_config.block_out_channels, unet.block_out_channels);
  EXPECT_EQ(sd->unet_config.down_block_types, unet.down_block_types);
  EXPECT_EQ(sd->unet_config.up_block_types, unet.up_block_types);
  EXPECT_EQ(sd->unet_config.num_attention_heads, unet.num_attention_heads);
  EXPECT_EQ(sd->unet_config.layers_per_block, unet.layers_per_block);
  EXPECT_EQ(sd->unet_config.cross_attention_dim, unet.cross_attention_dim);
  EXPECT_EQ(sd->unet_config.transformer_layers_per_block, unet.transformer_layers_per_block);
  EXPECT_EQ(sd->unet_config.use_linear_projection, unet.use_linear_projection);
  EXPECT_EQ(sd->unet_config.norm_num_groups, unet.norm_num_groups);
  const auto vae = vae_case_config();
  EXPECT_EQ(sd->vae_config.block_out_channels, vae.block_out_channels);
  EXPECT_EQ(sd->vae_config.norm_num_groups, vae.norm_num_groups);
  EXPECT_EQ(sd->vae_config.layers_per_block, vae.layers_per_block);
  EXPECT_EQ(sd->vae_config.latent_channels, vae.latent_channels);
  for (const auto& p : sd->unet->parameters()) ASSERT_EQ(p.scalar_type(), torch::kFloat32);
}

TEST_F(SdOriginal, UNetOutputs) {
  auto io = gen::test::load_io("unet");
  const auto ehs = io_at(io, "encoder_hidden_states");
  EXPECT_TRUE(all_close(sd->unet(io_at(io, "sample"), io_at(io, "timestep_int"), ehs), io_at(io, "out_timestep_int")));
  EXPECT_TRUE(all_close(sd->unet(io_at(io, "sample"), io_at(io, "timestep_float"), ehs), io_at(io, "out_timestep_float")));
  EXPECT_TRUE(all_close(sd->unet(io_at(io, "cfg_sample"), torch::tensor(int64_t(250)), ehs), io_at(io, "out_cfg_t250")));
}

TEST_F(SdOriginal, VaeOutputs) {
  auto io = gen::test::load_io("vae");
  auto post = sd->vae->encode(io_at(io, "image"));
  EXPECT_TRUE(all_close(post.mean, io_at(io, "posterior_mean")));
  EXPECT_TRUE(all_close(post.logvar, io_at(io, "posterior_logvar")));
  EXPECT_TRUE(all_close(sd->vae->decode(io_at(io, "latent")), io_at(io, "decoded")));
}

TEST_F(SdOriginal, TextEncoderOutputs) {
  auto io = gen::test::load_io("clip_text");
  for (const std::string b : {"pad_eos_77", "short12_no_bos_no_eos"}) {
    auto out = sd->text_encoder(io_at(io, b + ".input_ids"));
    EXPECT_TRUE(all_close(out.last_hidden_state, io_at(io, b + ".last_hidden_state"))) << b;
    EXPECT_TRUE(all_close(out.pooler_output, io_at(io, b + ".pooler_output"))) << b;
  }
}

TEST_F(SdOriginal, KeyMapAgreesWithReference) {
  const auto ref = gen::test::read_json(golden_dir() / "sd_original" / "key_map.json");
  auto check = [&](const std::string& part, const std::map<std::string, std::string>& mine) {
    const auto& want = ref.at(part).at("map");
    EXPECT_EQ(mine.size(), want.size()) << part;
    for (const auto& [k, v] : want.items()) {
      auto it = mine.find(k);
      if (it == mine.end()) {
        ADD_FAILURE() << part << ": no mapping for " << k;
        continue;
      }
      EXPECT_EQ(it->second, v.get<std::string>()) << part << ": " << k;
    }
  };
  check("unet", gen::nn::original_key_map(*sd->unet));
  check("vae", gen::nn::original_key_map(*sd->vae));
  check("text", gen::nn::original_key_map(*sd->text_encoder));
}

TEST_F(SdOriginal, PositionIdsBufferIsIgnored) {
  auto f = gen::SafeTensorsFile::open(checkpoint());
  EXPECT_TRUE(f.contains("cond_stage_model.transformer.text_model.embeddings.position_ids"));
}

}  // namespace

namespace {

// A diffusers folder assembled from the golden parts (unet/, vae/, clip_text/ as text_encoder/).
TEST(DiffusersFolder, LoadsAllThreePartsAndMatchesTheGoldenOutputs) {
  torch::NoGradGuard no_grad;
  gen::test::TempDir dir;
  gen::test::write_text(dir / "model_index.json", "{\"_class_name\": \"StableDiffusionPipeline\"}");
  std::filesystem::create_directory_symlink(golden_dir() / "unet", dir / "unet");
  std::filesystem::create_directory_symlink(golden_dir() / "vae", dir / "vae");
  std::filesystem::create_directory_symlink(golden_dir() / "clip_text", dir / "text_encoder");
  auto sd = gen::nn::load_diffusers_folder(dir.path());
  EXPECT_EQ(sd.sd_version, gen::nn::detect_sd_version(unet_case_config()));
  EXPECT_TRUE(sd.scheduler_config.empty());
  auto io = gen::test::load_io("unet");
  EXPECT_TRUE(all_close(sd.unet(io_at(io, "sample"), io_at(io, "timestep_int"), io_at(io, "encoder_hidden_states")),
                        io_at(io, "out_timestep_int")));
  auto clip_io = gen::test::load_io("clip_text");
  EXPECT_TRUE(all_close(sd.text_encoder(io_at(clip_io, "pad_zero_77.input_ids")).last_hidden_state,
                        io_at(clip_io, "pad_zero_77.last_hidden_state")));
}

TEST(DiffusersFolder, NotAFolderIsAnInputError) {
  gen::test::TempDir dir;
  EXPECT_THROW(gen::nn::load_diffusers_folder(dir.path()), gen::InputError);
}

// A UNet config that does not fit the single file: the error names a key and both shapes.
TEST(SingleFile, WrongConfigNamesKeyAndShapes) {
  auto o = options();
  auto unet = unet_case_config();
  const int64_t context = unet.cross_attention_dim, wrong = context + 16;
  unet.cross_attention_dim = wrong;
  o.unet_config = unet;
  // Whichever cross-attention key is reported, it is [inner, context] in the file.
  std::vector<std::string> expected;
  const auto file = gen::SafeTensorsFile::open(checkpoint());
  for (const auto& t : file.tensors())
    if (t.name.find("attn2.to_k.weight") != std::string::npos && t.shape.size() == 2 && t.shape[1] == context) {
      const auto inner = std::to_string(t.shape[0]);
      expected.push_back("attn2.to_k.weight: checkpoint [" + inner + ", " + std::to_string(context) + "] vs model [" +
                         inner + ", " + std::to_string(wrong) + "]");
    }
  ASSERT_FALSE(expected.empty()) << "no cross-attention key projection in " << checkpoint();
  try {
    gen::nn::load_single_file(checkpoint(), o);
    ADD_FAILURE() << "expected a ModelError";
  } catch (const gen::ModelError& e) {
    const std::string msg = e.what();
    EXPECT_TRUE(std::any_of(expected.begin(), expected.end(),
                            [&](const std::string& x) { return msg.find(x) != std::string::npos; }))
        << msg << "\nexpected e.g. " << expected.front();
  }
}

}  // namespace
