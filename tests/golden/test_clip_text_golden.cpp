// CLIPTextModel against transformers 4.40 outputs (golden/clip_text).
#include <gtest/gtest.h>

#include <torch/csrc/autograd/grad_mode.h>

#include <gen/nn/clip_text_model.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/nn/state_dict.h>
#include <gen/safetensors.h>

#include "nn_golden_util.h"

namespace {

using gen::test::all_close;
using gen::test::io_at;

const std::vector<std::string> kBatches = {"pad_eos_77", "pad_zero_77", "random_eos_last_77", "short12_no_bos_no_eos",
                                "len20_eos_mid"};

class ClipGolden : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    model = gen::nn::load_diffusers_text_encoder(gen::test::golden_dir() / "clip_text");
    io = gen::test::load_io("clip_text");
  }
  const torch::Tensor& at(const std::string& name) { return io_at(io, GetParam() + "." + name); }
  gen::nn::ClipTextModel model{nullptr};
  std::map<std::string, torch::Tensor> io;
  torch::NoGradGuard no_grad;
};

// pooler_output follows the rule of the case's config: argmax of the ids for
// eos_token_id 2 (SD-1.x/2.x), else the first position of that EOS id.
TEST_P(ClipGolden, LastHiddenStateAndConfiguredPooling) {
  auto out = model(at("input_ids"));
  EXPECT_TRUE(all_close(out.last_hidden_state, at("last_hidden_state")));
  EXPECT_TRUE(all_close(out.pooler_output, at("pooler_output")));
}

TEST_P(ClipGolden, HiddenStatesOfEveryLayer) {
  auto out = model(at("input_ids"));
  EXPECT_TRUE(all_close(torch::stack(out.hidden_states), at("hidden_states")));
}

TEST_P(ClipGolden, ClipSkipIsFinalNormOfAnEarlierLayer) {
  auto out = model(at("input_ids"));
  EXPECT_TRUE(all_close(model->encode(at("input_ids"), 0), at("last_hidden_state")));
  // hidden_states[-2] through final_layer_norm: compare with a fresh LayerNorm of the golden state.
  auto* ln = model->text_model->named_modules()["final_layer_norm"]->as<torch::nn::LayerNorm>();
  const auto hs = at("hidden_states");
  EXPECT_TRUE(all_close(model->encode(at("input_ids"), 1), ln->forward(hs[hs.size(0) - 2])));
}

// pooler_output_other_rule is always the rule of eos_token_id 49407 (README, section 4).
TEST_P(ClipGolden, EosTokenPoolingRule) {
  auto cfg = model->config();
  cfg.eos_token_id = 49407;
  gen::nn::ClipTextModel other(cfg);
  gen::nn::TensorMap weights;
  for (const auto& p : model->named_parameters()) weights[p.key()] = p.value();
  gen::nn::load_state_dict(*other, weights);
  auto out = other(at("input_ids"));
  EXPECT_TRUE(all_close(out.pooler_output, at("pooler_output_other_rule")));
}

INSTANTIATE_TEST_SUITE_P(Batches, ClipGolden, ::testing::ValuesIn(kBatches));

// The pooling rule is chosen by the config the loader read, not by a default.
TEST(ClipGoldenConfig, PoolingRuleComesFromTheCaseConfig) {
  const auto dir = gen::test::golden_dir() / "clip_text";
  const auto config = gen::test::read_json(dir / "config.json");
  EXPECT_EQ(gen::nn::load_diffusers_text_encoder(dir)->config().eos_token_id, config.at("eos_token_id").get<int64_t>());
}

TEST(ClipGoldenMasked, PaddingMaskOnTopOfCausalMask) {
  torch::NoGradGuard no_grad;
  auto model = gen::nn::load_diffusers_text_encoder(gen::test::golden_dir() / "clip_text");
  auto io = gen::test::load_io("clip_text");
  auto out = model(io_at(io, "pad_eos_77.input_ids"), io_at(io, "pad_eos_77.attention_mask"));
  EXPECT_TRUE(all_close(out.last_hidden_state, io_at(io, "pad_eos_77.last_hidden_state_masked")));
}

}  // namespace
