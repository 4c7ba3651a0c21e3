// Network configs written with to_json read back (from_json) to the same architecture:
// same parameter names and shapes, for the SD presets and a non-default variant; and
// configs detected from parameter shapes, with hints for what shapes cannot show.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/nn/autoencoder_kl.h>
#include <gen/nn/clip_text_model.h>
#include <gen/nn/unet2d_condition.h>
#include <gen/nn/unet_config.h>

namespace {

std::map<std::string, std::vector<int64_t>> shapes(const torch::nn::Module& m) {
  std::map<std::string, std::vector<int64_t>> out;
  for (const auto& p : m.named_parameters()) out[p.key()] = p.value().sizes().vec();
  return out;
}

gen::nn::UNet2DConditionConfig small_sd2_like_unet() {
  gen::nn::UNet2DConditionConfig c;
  c.block_out_channels = {32, 64};
  c.down_block_types = {"CrossAttnDownBlock2D", "DownBlock2D"};
  c.up_block_types = {"UpBlock2D", "CrossAttnUpBlock2D"};
  c.layers_per_block = 1;
  c.num_attention_heads = {2, 4};
  c.transformer_layers_per_block = {1, 2};
  c.mid_transformer_layers = 2;
  c.cross_attention_dim = 48;
  c.norm_num_groups = 16;
  c.use_linear_projection = true;
  c.upcast_attention = true;
  c.freq_shift = 1;
  return c;
}

TEST(NetworkConfigs, UNetRoundTrip) {
  const auto c = small_sd2_like_unet();
  const auto back = gen::nn::UNet2DConditionConfig::from_json(c.to_json());
  EXPECT_EQ(back.num_attention_heads, c.num_attention_heads);
  EXPECT_EQ(back.transformer_layers_per_block, c.transformer_layers_per_block);
  EXPECT_EQ(back.use_linear_projection, c.use_linear_projection);
  EXPECT_EQ(back.upcast_attention, c.upcast_attention);
  EXPECT_EQ(back.freq_shift, c.freq_shift);
  EXPECT_EQ(shapes(*gen::nn::UNet2DConditionModel(back)), shapes(*gen::nn::UNet2DConditionModel(c)));
}

TEST(NetworkConfigs, VaeRoundTrip) {
  gen::nn::AutoencoderKLConfig c;
  c.block_out_channels = {16, 32, 32};
  c.layers_per_block = 1;
  c.norm_num_groups = 8;
  c.scaling_factor = 0.5916;
  c.use_quant_conv = false;
  const auto back = gen::nn::AutoencoderKLConfig::from_json(c.to_json());
  EXPECT_DOUBLE_EQ(back.scaling_factor, c.scaling_factor);
  EXPECT_EQ(back.use_quant_conv, false);
  EXPECT_EQ(shapes(*gen::nn::AutoencoderKL(back)), shapes(*gen::nn::AutoencoderKL(c)));
}

TEST(NetworkConfigs, ClipTextRoundTrip) {
  gen::nn::ClipTextConfig c;
  c.vocab_size = 600;
  c.hidden_size = 64;
  c.intermediate_size = 96;
  c.num_hidden_layers = 3;
  c.num_attention_heads = 4;
  c.hidden_act = "gelu";
  c.eos_token_id = 599;
  const auto back = gen::nn::ClipTextConfig::from_json(c.to_json());
  EXPECT_EQ(back.hidden_act, "gelu");
  EXPECT_EQ(back.eos_token_id, 599);
  EXPECT_EQ(shapes(*gen::nn::ClipTextModel(back)), shapes(*gen::nn::ClipTextModel(c)));
}

// Norm groups and heads are not in the weights: detection assumes SD's (32 groups,
// 8 heads for a context that is not 1024 wide) unless the caller hints otherwise.
TEST(NetworkConfigs, UNetDetectionTakesHintsForWhatWeightsCannotShow) {
  const auto c = small_sd2_like_unet();
  const auto weights = shapes(*gen::nn::UNet2DConditionModel(c));
  const auto assumed = gen::nn::UNet2DConditionConfig::detect_from_weights(weights);
  EXPECT_EQ(assumed.norm_num_groups, 32);
  EXPECT_EQ(assumed.num_attention_heads, (std::vector<int64_t>{8, 8}));
  const auto hinted = gen::nn::UNet2DConditionConfig::detect_from_weights(weights, {16, {2, 4}});
  EXPECT_EQ(hinted.norm_num_groups, c.norm_num_groups);
  EXPECT_EQ(hinted.num_attention_heads, c.num_attention_heads);
  EXPECT_EQ(hinted.block_out_channels, c.block_out_channels);
  EXPECT_EQ(hinted.down_block_types, c.down_block_types);
  // A hint the weights contradict (one head count for two blocks) is refused.
  EXPECT_THROW(gen::nn::UNet2DConditionConfig::detect_from_weights(weights, {16, {2}}), gen::ModelError);
}

TEST(NetworkConfigs, VaeDetectionTakesANormGroupHint) {
  gen::nn::AutoencoderKLConfig c;
  c.block_out_channels = {16, 32};
  c.layers_per_block = 1;
  c.norm_num_groups = 8;
  const auto weights = shapes(*gen::nn::AutoencoderKL(c));
  EXPECT_THROW(gen::nn::AutoencoderKLConfig::detect_from_weights(weights), gen::ModelError);  // 16 % 32 != 0
  const auto hinted = gen::nn::AutoencoderKLConfig::detect_from_weights(weights, 8);
  EXPECT_EQ(hinted.norm_num_groups, 8);
  EXPECT_EQ(hinted.block_out_channels, c.block_out_channels);
}

}  // namespace
