// The audio networks' configs and contracts on tiny random models: HiFi-GAN config keys,
// validation, output lengths (odd kernel - rate too), detection hints and loader errors;
// the UNet's class embedding (added or concatenated), per-block context widths, what it
// refuses, and the motion UNet refusing such UNets. The reference numbers are checked by
// tests/golden/test_{hifigan,audioldm_unet,audioldm_vae}_golden.cpp.
#include <gtest/gtest.h>

#include <functional>

#include <nlohmann/json.hpp>
#include <torch/csrc/autograd/grad_mode.h>

#include <gen/error.h>
#include <gen/nn/hifigan.h>
#include <gen/nn/unet2d_condition.h>
#include <gen/nn/unet_motion_config.h>
#include <gen/safetensors.h>

#include "test_util.h"
#include "tiny_checkpoint.h"

namespace {

using gen::nn::HifiGanConfig;
using gen::nn::UNet2DConditionConfig;
using json = nlohmann::json;

#define EXPECT_CONTAINS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

template <typename E>
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

HifiGanConfig tiny_vocoder() {
  HifiGanConfig c;
  c.model_in_dim = 8;
  c.upsample_initial_channel = 16;
  c.upsample_rates = {2, 3};
  c.upsample_kernel_sizes = {5, 6};  // 5 - 2 is odd: the output is one sample longer than 2L
  c.resblock_kernel_sizes = {3};
  c.resblock_dilation_sizes = {{1, 2}};
  c.normalize_before = false;
  return c;
}

// ---- HiFi-GAN -----------------------------------------------------------------------

TEST(HifiGanConfig, DefaultsAreTransformers) {
  const auto c = HifiGanConfig::from_json(json::object());
  EXPECT_EQ(c.model_in_dim, 80);
  EXPECT_EQ(c.upsample_initial_channel, 512);
  EXPECT_EQ(c.upsample_rates, (std::vector<int64_t>{4, 4, 4, 4}));
  EXPECT_EQ(c.resblock_kernel_sizes, (std::vector<int64_t>{3, 7, 11}));
  EXPECT_TRUE(c.normalize_before);
  EXPECT_EQ(c.hop_length(), 256);
  EXPECT_EQ(HifiGanConfig::from_json(tiny_vocoder().to_json()).to_json(), tiny_vocoder().to_json());
}

TEST(HifiGanConfig, ImpossibleValuesAreModelErrors) {
  auto refused = [](json changes) {
    auto j = tiny_vocoder().to_json();
    j.update(changes);
    return error_of<gen::ModelError>([&] { HifiGanConfig::from_json(j); });
  };
  EXPECT_CONTAINS(refused({{"upsample_kernel_sizes", json::array({5})}}), "needs one entry per upsample rate");
  EXPECT_CONTAINS(refused({{"upsample_kernel_sizes", {1, 6}}}), "kernel no smaller than its rate");
  EXPECT_CONTAINS(refused({{"upsample_initial_channel", 3}}), "cannot be halved 2 times");
  EXPECT_CONTAINS(refused({{"resblock_kernel_sizes", json::array({4})}}), "must be odd");
  EXPECT_CONTAINS(refused({{"resblock_dilation_sizes", json::array()}}), "one list per resblock kernel size");
  EXPECT_CONTAINS(refused({{"model_type", "speecht5"}}), "not transformers' hifigan");
}

TEST(HifiGan, OutputLengthFollowsTheTransposedConvolutions) {
  torch::NoGradGuard no_grad;
  gen::nn::SpeechT5HifiGan m(tiny_vocoder());
  m->eval();
  const auto c = tiny_vocoder();
  EXPECT_EQ(c.output_length(10), 64);  // (10 - 1) * 2 - 2 + 5 = 21, then (21 - 1) * 3 - 2 + 6
  const auto wave = m(torch::randn({3, 10, 8}));
  EXPECT_EQ(wave.sizes(), (std::vector<int64_t>{3, c.output_length(10)}));
  EXPECT_LE(wave.abs().max().item<double>(), 1.0);  // tanh
  EXPECT_EQ(m(torch::randn({10, 8})).sizes(), (std::vector<int64_t>{c.output_length(10)}));
  EXPECT_CONTAINS(error_of<gen::UsageError>([&] { m(torch::randn({3, 10, 7})); }), "[B, frames, 8]");
}

// Batch rows are independent, and the unbatched form is row 0 of the batched one.
TEST(HifiGan, RowsAreIndependent) {
  torch::NoGradGuard no_grad;
  gen::nn::SpeechT5HifiGan m(tiny_vocoder());
  m->eval();
  const auto mel = torch::randn({2, 12, 8});
  const auto both = m(mel);
  EXPECT_TRUE(torch::allclose(both[1], m(mel[1]), 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(both[0], m(mel.narrow(0, 0, 1))[0], 1e-5, 1e-6));
}

TEST(HifiGan, DetectionNeedsHintsThatFitTheWeights) {
  gen::nn::SpeechT5HifiGan m(tiny_vocoder());
  gen::nn::ShapeMap shapes;
  for (const auto& p : m->named_parameters()) shapes[p.key()] = p.value().sizes().vec();
  gen::nn::HifiGanHints hints;
  hints.upsample_rates = {2, 3};
  hints.resblock_dilation_sizes = {{1, 2}};
  const auto found = HifiGanConfig::detect_from_weights(shapes, hints);
  EXPECT_EQ(found.to_json(), tiny_vocoder().to_json());
  hints.resblock_dilation_sizes = {{1, 3, 5}};
  EXPECT_CONTAINS(error_of<gen::ModelError>([&] { HifiGanConfig::detect_from_weights(shapes, hints); }),
                  "resblock 0 has 2 dilated convolutions but the hints give [1, 3, 5]");
  hints.resblock_dilation_sizes = {{1, 2}, {1, 2}};
  EXPECT_CONTAINS(error_of<gen::ModelError>([&] { HifiGanConfig::detect_from_weights(shapes, hints); }),
                  "1 resblocks per level but the hints give 2");
  shapes.erase("conv_pre.weight");
  EXPECT_CONTAINS(error_of<gen::ModelError>([&] { HifiGanConfig::detect_from_weights(shapes, hints); }),
                  "'conv_pre.weight' is missing");
}

TEST(HifiGan, LoaderErrors) {
  gen::test::TempDir dir;
  EXPECT_CONTAINS(error_of<gen::InputError>([&] { gen::nn::load_hifigan(dir / "none.safetensors"); }),
                  "does not exist");
  EXPECT_CONTAINS(error_of<gen::InputError>([&] { gen::nn::load_hifigan(dir.path()); }), "no model.safetensors");
  // A stray tensor and a lone weight_g are both unexpected; a missing one is named.
  gen::nn::SpeechT5HifiGan m(tiny_vocoder());
  std::map<std::string, torch::Tensor> state;
  for (const auto& p : m->named_parameters()) state[p.key()] = p.value().detach();
  for (const auto& b : m->named_buffers()) state[b.key()] = b.value();
  state.erase("conv_post.bias");
  state["extra.weight_g"] = torch::ones({1});
  gen::save_safetensors(dir / "model.safetensors", state);
  gen::test::write_text(dir / "config.json", tiny_vocoder().to_json().dump());
  const auto msg = error_of<gen::ModelError>([&] { gen::nn::load_hifigan(dir.path()); });
  EXPECT_CONTAINS(msg, "missing keys: conv_post.bias");
  EXPECT_CONTAINS(msg, "unexpected keys: extra.weight_g");
}

// ---- UNet class embedding and per-block context ------------------------------------

UNet2DConditionConfig tiny_audio_unet(bool concat) { return gen::test::tiny_audio_unet_config(concat, 12); }

TEST(UNetClassEmbedding, ConfigKeysAndRefusals) {
  const auto c = tiny_audio_unet(true);
  const auto back = UNet2DConditionConfig::from_json(c.to_json());
  EXPECT_EQ(back.to_json(), c.to_json());
  EXPECT_EQ(back.blocks_time_embed_dim(), 64);
  auto refused = [&](json changes) {
    auto j = c.to_json();
    j.update(changes);
    return error_of<gen::ModelError>([&] { UNet2DConditionConfig::from_json(j); });
  };
  EXPECT_CONTAINS(refused({{"class_embed_type", "projection"}}), "class_embed_type 'projection' is not supported");
  EXPECT_CONTAINS(refused({{"class_embed_type", nullptr}}), "class_embeddings_concat needs a class_embed_type");
  EXPECT_CONTAINS(refused({{"projection_class_embeddings_input_dim", nullptr}}),
                  "needs projection_class_embeddings_input_dim");
  EXPECT_CONTAINS(refused({{"num_class_embeds", 10}}), "'num_class_embeds' is not supported");
  EXPECT_CONTAINS(refused({{"cross_attention_dim", {8, 16, 24}}}), "has 3 entries for 2 blocks");
  EXPECT_CONTAINS(refused({{"resnet_out_scale_factor", 2.0}}), "'resnet_out_scale_factor' = 2.0 is not supported");
  // A list of equal widths is the single width SD configs write.
  auto j = c.to_json();
  j["cross_attention_dim"] = {32, 32};
  const auto uniform = UNet2DConditionConfig::from_json(j);
  EXPECT_EQ(uniform.cross_attention_dim, 32);
  EXPECT_TRUE(uniform.cross_attention_dims.empty());
  EXPECT_FALSE(uniform.can_attend_to_itself());
}

// simple_projection added (not concatenated) to the time embedding, as diffusers does when
// class_embeddings_concat is false; the ResNets then read the single width.
TEST(UNetClassEmbedding, AddedOrConcatenated) {
  torch::NoGradGuard no_grad;
  for (bool concat : {false, true}) {
    gen::nn::UNet2DConditionModel m(tiny_audio_unet(concat));
    m->eval();
    const auto t = torch::tensor({10, 500});
    const auto labels = torch::randn({2, 12});
    const auto time = m->time_embed(t), cls = m->class_embed(labels);
    const auto want = concat ? torch::cat({time, cls}, -1) : time + cls;
    EXPECT_TRUE(torch::allclose(m->conditioning_embedding(t, 2, labels), want));
    EXPECT_EQ(m->forward(torch::randn({2, 4, 6, 4}), t, torch::Tensor(), labels).sizes(),
              (std::vector<int64_t>{2, 4, 6, 4}));
  }
}

TEST(UNetClassEmbedding, SdUNetStillNeedsItsContext) {
  torch::NoGradGuard no_grad;
  auto c = tiny_audio_unet(false);
  c.class_embed_type.clear();
  c.cross_attention_dims.clear();
  c.cross_attention_dim = 6;
  gen::nn::UNet2DConditionModel m(c);
  const auto x = torch::randn({1, 4, 4, 4});
  const auto t = torch::tensor(3);
  EXPECT_CONTAINS(error_of<gen::UsageError>([&] { m(x, t, torch::Tensor()); }), "needs encoder_hidden_states");
  EXPECT_CONTAINS(error_of<gen::UsageError>([&] { m(x, t, torch::randn({1, 5, 6}), torch::randn({1, 12})); }),
                  "takes no class_labels");
  EXPECT_EQ(m(x, t, torch::randn({1, 5, 6})).sizes(), x.sizes());
}

gen::nn::ShapeMap shapes_of(const torch::nn::Module& m) {
  gen::nn::ShapeMap shapes;
  for (const auto& p : m.named_parameters()) shapes[p.key()] = p.value().sizes().vec();
  return shapes;
}

// Only attention levels show their context width: this UNet's plain first level makes
// [8, 16] and the single 16 the same network, so the built modules are compared.
TEST(UNetClassEmbedding, DetectedFromShapes) {
  for (bool concat : {false, true}) {
    const auto want = tiny_audio_unet(concat);
    const auto shapes = shapes_of(*gen::nn::UNet2DConditionModel(want));
    const auto found = UNet2DConditionConfig::detect_from_weights(shapes, {4, {2, 2}});
    EXPECT_EQ(found.class_embed_type, want.class_embed_type);
    EXPECT_EQ(found.projection_class_embeddings_input_dim, 12);
    EXPECT_EQ(found.class_embeddings_concat, concat);
    EXPECT_TRUE(found.can_attend_to_itself());
    EXPECT_EQ(shapes_of(*gen::nn::UNet2DConditionModel(found)), shapes);
  }
}

TEST(UNetClassEmbedding, MotionUNetRefusesIt) {
  gen::nn::UNetMotionConfig motion;
  motion.unet = tiny_audio_unet(true);
  EXPECT_CONTAINS(error_of<gen::ModelError>([&] { motion.validate(); }), "class embedding");
}

}  // namespace
