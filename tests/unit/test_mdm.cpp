// MDM's motion transformer on tiny random weights: config round trip and validation,
// architecture detection, loading (files, folders, sibling config, position tables,
// bad keys), frame masks, float timesteps, per-row conditioning, batch independence
// and training mode. MDM's own numbers are checked by tests/golden/test_mdm_golden.cpp.
#include <gtest/gtest.h>

#include <functional>

#include <nlohmann/json.hpp>
#include <torch/csrc/autograd/grad_mode.h>

#include <gen/error.h>
#include <gen/nn/mdm.h>
#include <gen/safetensors.h>

#include "test_util.h"

namespace {

using gen::nn::MdmConfig;
using gen::nn::MdmTransformer;

#define EXPECT_CONTAINS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

MdmConfig tiny_config() {
  MdmConfig c;
  c.njoints = 10;
  c.nfeats = 1;
  c.latent_dim = 32;
  c.layers = 3;
  c.ff_size = 48;
  c.num_heads = 4;
  c.clip_dim = 16;
  c.pos_embed_max_len = 64;
  return c;
}

// A model with every parameter drawn at random (biases and norms too, unlike the default
// initialisation that zeroes some of them), in eval mode.
MdmTransformer random_model(const MdmConfig& config, uint64_t seed = 7) {
  torch::manual_seed(seed);
  MdmTransformer m(config);
  torch::NoGradGuard no_grad;
  for (auto& p : m->parameters()) p.normal_(0, 0.3);
  m->eval();
  return m;
}

gen::nn::TensorMap state_of(const MdmTransformer& m) {
  gen::nn::TensorMap out;
  for (const auto& p : m->named_parameters()) out[p.key()] = p.value().detach().clone();
  for (const auto& b : m->named_buffers()) out[b.key()] = b.value().clone();
  return out;
}

struct Inputs {
  torch::Tensor x, t, text;
};

Inputs random_inputs(const MdmConfig& c, int64_t batch, int64_t frames, uint64_t seed = 11) {
  torch::manual_seed(seed);
  return {torch::randn({batch, c.njoints, c.nfeats, frames}), torch::randint(0, c.pos_embed_max_len, {batch}),
          torch::randn({batch, c.clip_dim})};
}

torch::Tensor run(MdmTransformer m, const Inputs& in, const torch::Tensor& mask = {}, const torch::Tensor& uncond = {}) {
  torch::NoGradGuard no_grad;
  return m->forward(in.x, in.t, in.text, mask, uncond);
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

// ---- config -------------------------------------------------------------------------

TEST(MdmConfig, JsonRoundTrip) {
  auto c = tiny_config();
  c.activation = "relu";
  c.mask_frames = true;
  c.dropout = 0.25;
  const auto j = c.to_json();
  EXPECT_EQ(j.at("latent_dim"), 32);
  EXPECT_EQ(j.at("layers"), 3);
  EXPECT_EQ(MdmConfig::from_json(j).to_json(), j);
}

TEST(MdmConfig, CondEveryFrameIsWrittenOnlyWhenOn) {
  auto c = tiny_config();
  EXPECT_FALSE(c.to_json().contains("cond_every_frame"));  // MDM's own configs stay MDM's
  c.cond_every_frame = true;
  const auto j = c.to_json();
  EXPECT_EQ(j.at("cond_every_frame"), true);
  EXPECT_TRUE(MdmConfig::from_json(j).cond_every_frame);
}

TEST(MdmConfig, ReadsMdmsNumLayersAndKeepsDefaults) {
  const auto c = MdmConfig::from_json({{"num_layers", 2}, {"latent_dim", 64}});
  EXPECT_EQ(c.layers, 2);
  EXPECT_EQ(c.latent_dim, 64);
  EXPECT_EQ(c.njoints, 263);
  EXPECT_EQ(c.num_heads, 4);
  EXPECT_EQ(c.activation, "gelu");
}

TEST(MdmConfig, ImpossibleValuesAreModelErrors) {
  auto refused = [](const nlohmann::json& j) {
    return error_of<gen::ModelError>([&] { MdmConfig::from_json(j); });
  };
  EXPECT_CONTAINS(refused({{"latent_dim", 0}}), "latent_dim must be positive");
  EXPECT_CONTAINS(refused({{"latent_dim", 66}, {"num_heads", 4}}), "not divisible into 4 heads");
  EXPECT_CONTAINS(refused({{"latent_dim", 63}, {"num_heads", 3}}), "must be even");
  EXPECT_CONTAINS(refused({{"activation", "swish"}}), "activation 'swish'");
  EXPECT_CONTAINS(refused({{"pos_embed_max_len", 1}}), "pos_embed_max_len");
  EXPECT_CONTAINS(refused({{"dropout", 1.0}}), "dropout");
  EXPECT_CONTAINS(refused({{"arch", "trans_dec"}}), "arch \"trans_dec\" is not supported");
  EXPECT_CONTAINS(refused({{"emb_policy", "concat"}}), "emb_policy");
  EXPECT_CONTAINS(refused({{"layers", "eight"}}), "MDM config");
}

TEST(MdmConfig, DetectsTheArchitectureFromARandomModelsShapes) {
  auto config = tiny_config();
  auto m = random_model(config);
  const auto shapes = gen::nn::shapes_of(state_of(m));
  EXPECT_EQ(MdmConfig::detect_from_weights(shapes).to_json(), config.to_json());
  // Heads and the joints/features split are not in the shapes: the hints decide them.
  const auto hinted = MdmConfig::detect_from_weights(shapes, {2, 5, true});
  EXPECT_EQ(hinted.num_heads, 2);
  EXPECT_EQ(hinted.njoints, 2);
  EXPECT_EQ(hinted.nfeats, 5);
  EXPECT_TRUE(hinted.mask_frames);
}

TEST(MdmConfig, DetectionNamesWhatIsMissing) {
  auto m = random_model(tiny_config());
  auto shapes = gen::nn::shapes_of(state_of(m));
  auto without = [&](const std::string& key) {
    auto s = shapes;
    s.erase(key);
    return error_of<gen::ModelError>([&] { MdmConfig::detect_from_weights(s); });
  };
  EXPECT_CONTAINS(without("embed_text.weight"), "only text-conditioned");
  EXPECT_CONTAINS(without("seqTransEncoder.layers.0.self_attn.in_proj_weight"), "trans_enc");
  EXPECT_CONTAINS(without("input_process.poseEmbedding.weight"), "input_process.poseEmbedding.weight");
  EXPECT_CONTAINS(error_of<gen::ModelError>([&] { MdmConfig::detect_from_weights(shapes, {4, 3, false}); }),
                  "nfeats 3");
}

// ---- module -------------------------------------------------------------------------

TEST(MdmTransformer, BothPositionKeysAreOneTable) {
  MdmTransformer m(tiny_config());
  auto buffers = m->named_buffers();
  ASSERT_EQ(buffers.size(), 2u);
  EXPECT_TRUE(buffers["sequence_pos_encoder.pe"].is_same(buffers["embed_timestep.sequence_pos_encoder.pe"]));
  EXPECT_EQ(buffers["sequence_pos_encoder.pe"].sizes(), torch::IntArrayRef({64, 1, 32}));
}

TEST(MdmTransformer, BadInputShapesAreUsageErrors) {
  auto c = tiny_config();
  auto m = random_model(c);
  auto in = random_inputs(c, 2, 8);
  auto fails = [&](Inputs bad, const torch::Tensor& mask = {}) {
    return error_of<gen::UsageError>([&] { run(m, bad, mask); });
  };
  EXPECT_CONTAINS(fails({in.x.squeeze(2), in.t, in.text}), "MDM input must be [B, 10, 1, frames]");
  EXPECT_CONTAINS(fails({in.x, in.t, in.text.narrow(1, 0, 8)}), "text feature must be [2, 16]");
  EXPECT_CONTAINS(fails({in.x, in.t.narrow(0, 0, 1).repeat({3}), in.text}), "timesteps");
  EXPECT_CONTAINS(fails({torch::randn({2, 10, 1, 64}), in.t, in.text}), "exceed MDM's 64 positions");
  EXPECT_CONTAINS(fails({in.x, torch::tensor({64, 0}), in.text}), "timestep 64 is outside");
  EXPECT_CONTAINS(fails({in.x, torch::tensor({-0.5f, 0.f}), in.text}), "timestep -0.5 is outside");
  auto masked_config = c;
  masked_config.mask_frames = true;
  m = random_model(masked_config);
  EXPECT_CONTAINS(fails(in, torch::ones({2, 7}, torch::kBool)), "frame mask must be [2, 8]");
}

TEST(MdmTransformer, FullyValidFrameMaskEqualsNoMask) {
  auto c = tiny_config();
  c.mask_frames = true;
  auto m = random_model(c);
  const auto in = random_inputs(c, 2, 12);
  EXPECT_TRUE(torch::allclose(run(m, in, torch::ones({2, 12}, torch::kBool)), run(m, in), 0, 1e-6));
}

// mask_frames hides invalid frames as keys: what they contain no longer reaches the
// valid frames (and without mask_frames the same mask is ignored).
TEST(MdmTransformer, InvalidFramesDoNotReachValidOnes) {
  auto c = tiny_config();
  c.mask_frames = true;
  auto m = random_model(c);
  auto in = random_inputs(c, 2, 12);
  auto mask = torch::ones({2, 12}, torch::kBool);
  mask[1].narrow(0, 9, 3).fill_(false);
  const auto before = run(m, in, mask);
  auto changed = in;
  changed.x = in.x.clone();
  changed.x[1].narrow(2, 9, 3).normal_();
  const auto after = run(m, changed, mask);
  EXPECT_TRUE(torch::allclose(after.narrow(3, 0, 9), before.narrow(3, 0, 9), 0, 1e-6));
  EXPECT_FALSE(torch::allclose(after, before, 1e-3, 1e-3));  // the invalid frames' own outputs move
  EXPECT_FALSE(torch::allclose(run(m, in), before, 1e-3, 1e-3));
  c.mask_frames = false;
  auto unmasked = random_model(c);
  EXPECT_TRUE(torch::equal(run(unmasked, in, mask), run(unmasked, in)));
}

TEST(MdmTransformer, FloatTimestepsAtIntegersEqualIntegerTimesteps) {
  const auto c = tiny_config();
  auto m = random_model(c);
  const auto in = random_inputs(c, 3, 5);
  const auto want = run(m, in);
  for (auto dtype : {torch::kFloat32, torch::kFloat64})
    EXPECT_TRUE(torch::equal(run(m, {in.x, in.t.to(dtype), in.text}), want));
}

TEST(MdmTransformer, FractionalTimestepsInterpolateBetweenRows) {
  auto m = random_model(tiny_config());
  const auto& pe = m->sequence_pos_encoder_->pe;
  const auto rows = m->sequence_pos_encoder_->rows(torch::tensor({2.25, 62.5, 63.0}));
  EXPECT_TRUE(torch::allclose(rows[0], 0.75 * pe[2][0] + 0.25 * pe[3][0], 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(rows[1], 0.5 * (pe[62][0] + pe[63][0]), 1e-6, 1e-6));
  EXPECT_TRUE(torch::equal(rows[2], pe[63][0]));  // the last row needs no row after it
  EXPECT_FALSE(torch::allclose(rows[0], pe[2][0], 1e-3, 1e-3));
}

TEST(MdmTransformer, ScalarTimestepIsBroadcast) {
  const auto c = tiny_config();
  auto m = random_model(c);
  const auto in = random_inputs(c, 2, 5);
  EXPECT_TRUE(torch::equal(run(m, {in.x, torch::tensor(9), in.text}), run(m, {in.x, torch::tensor({9, 9}), in.text})));
}

// uncond zeroes only its own rows' text feature: [cond, uncond] in one call equals the
// two calls apart (CFG batches both halves).
TEST(MdmTransformer, UncondActsPerRow) {
  const auto c = tiny_config();
  auto m = random_model(c);
  const auto in = random_inputs(c, 2, 6);
  const auto mixed = run(m, in, {}, torch::tensor({false, true}));
  const auto cond = run(m, in), uncond = run(m, in, {}, torch::tensor({true, true}));
  EXPECT_TRUE(torch::allclose(mixed[0], cond[0], 0, 1e-6));
  EXPECT_TRUE(torch::allclose(mixed[1], uncond[1], 0, 1e-6));
  EXPECT_FALSE(torch::allclose(cond[1], uncond[1], 1e-3, 1e-3));
  // An unconditional row ignores its text entirely.
  EXPECT_TRUE(torch::allclose(run(m, {in.x, in.t, torch::randn_like(in.text)}, {}, torch::tensor({true, true})), uncond,
                              0, 1e-6));
}

// The condition added to every frame token is the same as MDM with that condition folded
// into the input projection's bias (the input projection is affine).
TEST(MdmTransformer, CondEveryFrameAddsTheConditionToEachFrameToken) {
  auto c = tiny_config();
  c.cond_every_frame = true;
  auto every = random_model(c);
  c.cond_every_frame = false;
  auto plain = random_model(c);
  const auto in = random_inputs(c, 1, 7);
  torch::NoGradGuard no_grad;
  const auto emb = every->embed_text(in.text) + every->embed_timestep(in.t);  // [1, d]
  plain->input_process_->poseEmbedding->bias.add_(emb[0]);
  EXPECT_TRUE(torch::allclose(run(every, in), run(plain, in), 1e-5, 1e-5));
  plain->input_process_->poseEmbedding->bias.sub_(emb[0]);
  EXPECT_FALSE(torch::allclose(run(every, in), run(plain, in), 1e-3, 1e-3));
}

// Per-frame text: every frame reading the caption's own feature is the plain forward;
// a frame that reads another feature changes the output; an unconditional row ignores
// its frames' text; a model without cond_every_frame refuses it.
TEST(MdmTransformer, FrameTextIsEachFramesOwnCondition) {
  auto c = tiny_config();
  c.cond_every_frame = true;
  auto m = random_model(c);
  const auto in = random_inputs(c, 2, 6);
  torch::NoGradGuard no_grad;
  const int64_t frames = in.x.size(3);
  const auto same = in.text.unsqueeze(1).expand({2, frames, c.clip_dim}).contiguous();
  const auto plain = m->forward(in.x, in.t, in.text);
  EXPECT_TRUE(torch::allclose(m->forward(in.x, in.t, in.text, {}, {}, {}, {}, same), plain, 1e-5, 1e-5));
  auto other = same.clone();
  other.narrow(1, frames / 2, frames - frames / 2).copy_(torch::randn({2, frames - frames / 2, c.clip_dim}));
  EXPECT_FALSE(torch::allclose(m->forward(in.x, in.t, in.text, {}, {}, {}, {}, other), plain, 1e-3, 1e-3));
  const auto uncond = torch::tensor({true, true});
  EXPECT_TRUE(torch::allclose(m->forward(in.x, in.t, in.text, {}, uncond, {}, {}, other),
                              m->forward(in.x, in.t, in.text, {}, uncond), 1e-5, 1e-5));
  EXPECT_THROW(m->forward(in.x, in.t, in.text, {}, {}, {}, {}, same.narrow(1, 0, frames - 1)), gen::UsageError);
  c.cond_every_frame = false;
  auto once = random_model(c);
  EXPECT_THROW(once->forward(in.x, in.t, in.text, {}, {}, {}, {}, same), gen::UsageError);
}

// ---- text tokens (gen's own) -----------------------------------------------------------

struct TokenInputs {
  torch::Tensor states, mask;
};

TokenInputs random_tokens(const MdmConfig& c, int64_t batch, int64_t length, uint64_t seed = 23) {
  torch::manual_seed(seed);
  return {torch::randn({batch, length, c.text_tokens_dim}), torch::ones({batch, length}, torch::kBool)};
}

torch::Tensor run_tokens(MdmTransformer m, const Inputs& in, const TokenInputs& tokens, const torch::Tensor& uncond = {}) {
  torch::NoGradGuard no_grad;
  return m->forward(in.x, in.t, in.text, {}, uncond, tokens.states, tokens.mask);
}

MdmConfig token_config() {
  auto c = tiny_config();
  c.text_tokens_dim = 12;
  return c;
}

// Every token reaches the frames; hidden ones (padding) do not, wherever they sit.
TEST(MdmTransformer, TextTokensReachTheFramesAndPaddingDoesNot) {
  const auto c = token_config();
  auto m = random_model(c);
  const auto in = random_inputs(c, 2, 6);
  auto tokens = random_tokens(c, 2, 5);
  tokens.mask[0].narrow(0, 3, 2).fill_(false);
  tokens.mask[1].narrow(0, 4, 1).fill_(false);
  const auto base = run_tokens(m, in, tokens);
  auto changed = TokenInputs{tokens.states.clone(), tokens.mask};
  changed.states[0][4].normal_();  // padding of row 0
  changed.states[1][4].normal_();  // padding of row 1
  EXPECT_TRUE(torch::allclose(run_tokens(m, in, changed), base, 0, 1e-6));
  changed.states[0][2].normal_();  // a real token of row 0 only
  const auto after = run_tokens(m, in, changed);
  EXPECT_FALSE(torch::allclose(after[0], base[0], 1e-3, 1e-3));
  EXPECT_TRUE(torch::allclose(after[1], base[1], 0, 1e-6));
  // Trailing padding is dropped, not attended to as zeros: the same as the cropped call.
  TokenInputs cropped{tokens.states.narrow(1, 0, 4), tokens.mask.narrow(1, 0, 4)};
  EXPECT_TRUE(torch::allclose(run_tokens(m, in, cropped), base, 1e-6, 1e-6));
}

// An unconditional row hides its tokens as it zeroes its pooled feature; a mask with
// every token hidden is the same thing (the trainer's and CFG's null condition).
TEST(MdmTransformer, UncondRowsIgnoreTheirTextTokens) {
  const auto c = token_config();
  auto m = random_model(c);
  const auto in = random_inputs(c, 2, 6);
  const auto tokens = random_tokens(c, 2, 4);
  const auto uncond = run_tokens(m, in, tokens, torch::tensor({true, true}));
  EXPECT_TRUE(torch::allclose(run_tokens(m, in, random_tokens(c, 2, 4, 5), torch::tensor({true, true})), uncond, 0,
                              1e-6));
  const Inputs zero_text{in.x, in.t, torch::zeros_like(in.text)};
  const TokenInputs hidden{torch::zeros_like(tokens.states), torch::zeros_like(tokens.mask)};
  EXPECT_TRUE(torch::allclose(run_tokens(m, zero_text, hidden), uncond, 1e-6, 1e-6));
  EXPECT_FALSE(torch::allclose(run_tokens(m, in, tokens), uncond, 1e-3, 1e-3));
}

TEST(MdmTransformer, TextTokenShapesAreChecked) {
  const auto c = token_config();
  auto m = random_model(c);
  const auto in = random_inputs(c, 2, 6);
  EXPECT_CONTAINS(error_of<gen::UsageError>([&] { run(m, in); }), "text token states must be [2, tokens, 12]");
  EXPECT_CONTAINS(error_of<gen::UsageError>([&] { run_tokens(m, in, random_tokens(token_config(), 1, 4)); }),
                  "got [1, 4, 12]");
  auto bad_mask = random_tokens(c, 2, 4);
  bad_mask.mask = torch::ones({2, 3}, torch::kBool);
  EXPECT_CONTAINS(error_of<gen::UsageError>([&] { run_tokens(m, in, bad_mask); }), "text mask must be [2, 4]");
}

TEST(MdmConfig, TextTokensAreWrittenOnlyWhenOnAndDetectedFromTheWeights) {
  auto c = tiny_config();
  EXPECT_FALSE(c.to_json().contains("text_tokens_dim"));
  c.text_tokens_dim = 12;
  EXPECT_EQ(MdmConfig::from_json(c.to_json()).text_tokens_dim, 12);
  gen::nn::ShapeMap shapes;
  for (const auto& [name, tensor] : state_of(random_model(c))) shapes[name] = tensor.sizes().vec();
  EXPECT_EQ(MdmConfig::detect_from_weights(shapes).text_tokens_dim, 12);
  shapes.erase("embed_text_tokens.weight");
  EXPECT_EQ(MdmConfig::detect_from_weights(shapes).text_tokens_dim, 0);
  c.text_tokens_dim = -1;
  EXPECT_THROW(c.validate(), gen::ModelError);
}

// ---- frame progress (gen's own) ---------------------------------------------------------

MdmConfig progress_config() {
  auto c = tiny_config();
  c.mask_frames = true;
  c.frame_progress = true;
  return c;
}

// A frame's place is measured in its own clip: a clip padded to a longer batch gives what
// it gives alone. And the place reaches the frames: the same weights without
// embed_progress give something else.
TEST(MdmTransformer, FrameProgressIsMeasuredInTheClipNotTheBatch) {
  const auto c = progress_config();
  auto m = random_model(c);
  const auto padded = random_inputs(c, 1, 10);
  const Inputs alone{padded.x.narrow(3, 0, 6), padded.t, padded.text};
  auto mask = torch::ones({1, 10}, torch::kBool);
  mask[0].narrow(0, 6, 4).fill_(false);
  const auto by_itself = run(m, alone);
  EXPECT_TRUE(torch::allclose(run(m, padded, mask).narrow(3, 0, 6), by_itself, 1e-5, 1e-5));

  auto plain_config = c;
  plain_config.frame_progress = false;
  MdmTransformer plain(plain_config);
  plain->eval();
  {
    torch::NoGradGuard no_grad;
    const auto state = state_of(m);
    for (auto& p : plain->named_parameters()) p.value().copy_(state.at(p.key()));
  }
  EXPECT_FALSE(torch::allclose(run(plain, alone), by_itself, 1e-3, 1e-3));
  EXPECT_CONTAINS(error_of<gen::UsageError>([&] { run(m, padded, torch::ones({1, 9}, torch::kBool)); }),
                  "frame mask must be [1, 10]");
}

TEST(MdmConfig, FrameProgressIsWrittenOnlyWhenOnAndDetectedFromTheWeights) {
  auto c = tiny_config();
  EXPECT_FALSE(c.to_json().contains("frame_progress"));
  c.frame_progress = true;
  EXPECT_TRUE(MdmConfig::from_json(c.to_json()).frame_progress);
  gen::nn::ShapeMap shapes;
  for (const auto& [name, tensor] : state_of(random_model(c))) shapes[name] = tensor.sizes().vec();
  EXPECT_TRUE(MdmConfig::detect_from_weights(shapes).frame_progress);
  shapes.erase("embed_progress.weight");
  EXPECT_FALSE(MdmConfig::detect_from_weights(shapes).frame_progress);
}

TEST(MdmTransformer, SampleZeroDoesNotDependOnSampleOne) {
  auto c = tiny_config();
  c.mask_frames = true;
  auto m = random_model(c);
  auto in = random_inputs(c, 2, 10);
  auto mask = torch::ones({2, 10}, torch::kBool);
  const auto before = run(m, in, mask, torch::tensor({false, false}));
  auto other = random_inputs(c, 2, 10, 99);
  Inputs changed{torch::cat({in.x.narrow(0, 0, 1), other.x.narrow(0, 1, 1)}),
                 torch::stack({in.t[0], (in.t[1] + 17) % c.pos_embed_max_len}),
                 torch::cat({in.text.narrow(0, 0, 1), other.text.narrow(0, 1, 1)})};
  mask[1].narrow(0, 4, 6).fill_(false);
  const auto after = run(m, changed, mask, torch::tensor({false, true}));
  EXPECT_TRUE(torch::allclose(after[0], before[0], 0, 1e-6));
  EXPECT_FALSE(torch::allclose(after[1], before[1], 1e-3, 1e-3));
}

TEST(MdmTransformer, TrainingModeDropsOutAndEveryParameterGetsAGradient) {
  const auto c = tiny_config();
  auto m = random_model(c);
  const auto in = random_inputs(c, 2, 6);
  m->train();
  const auto a = m->forward(in.x, in.t, in.text), b = m->forward(in.x, in.t, in.text);
  EXPECT_FALSE(torch::allclose(a, b, 1e-3, 1e-3));  // dropout 0.1 at every MDM site
  a.pow(2).mean().backward();
  for (const auto& p : m->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0) << p.key();
  }
  m->eval();
  EXPECT_TRUE(torch::equal(run(m, in), run(m, in)));
}

// ---- loading ------------------------------------------------------------------------

class MdmLoading : public ::testing::Test {
 protected:
  void SetUp() override {
    model = random_model(config);
    state = state_of(model);
    in = random_inputs(config, 2, 9);
    want = run(model, in);
  }
  std::filesystem::path save(const gen::nn::TensorMap& tensors, const std::string& name = "mdm.safetensors") {
    gen::save_safetensors(dir / name, tensors);
    return dir / name;
  }
  std::string load_error(const gen::nn::TensorMap& tensors) {
    return error_of<gen::ModelError>([&] { gen::nn::load_mdm(save(tensors)); });
  }

  MdmConfig config = tiny_config();
  MdmTransformer model{nullptr};
  gen::nn::TensorMap state;
  Inputs in;
  torch::Tensor want;
  gen::test::TempDir dir;
};

TEST_F(MdmLoading, SingleFileWithoutConfigIsDetected) {
  auto loaded = gen::nn::load_mdm(save(state));
  EXPECT_EQ(loaded->config().to_json(), config.to_json());
  EXPECT_FALSE(loaded->is_training());
  EXPECT_TRUE(torch::equal(run(loaded, in), want));
}

TEST_F(MdmLoading, SiblingConfigDecidesWhatShapesCannot) {
  config.num_heads = 2;  // the shapes would say 4
  model = random_model(config);
  want = run(model, in);
  gen::test::write_text(dir / "config.json", config.to_json().dump());
  auto loaded = gen::nn::load_mdm(save(state_of(model)));
  EXPECT_EQ(loaded->config().num_heads, 2);
  EXPECT_TRUE(torch::equal(run(loaded, in), want));
}

TEST_F(MdmLoading, FolderNeedsConfigAndModelFile) {
  save(state, "model.safetensors");
  EXPECT_CONTAINS(error_of<gen::InputError>([&] { gen::nn::load_mdm(dir.path()); }), "config.json");
  gen::test::write_text(dir / "config.json", config.to_json().dump());
  EXPECT_TRUE(torch::equal(run(gen::nn::load_mdm(dir.path()), in), want));
  std::filesystem::remove(dir / "model.safetensors");
  EXPECT_CONTAINS(error_of<gen::InputError>([&] { gen::nn::load_mdm(dir.path()); }), "no model.safetensors");
  EXPECT_CONTAINS(error_of<gen::InputError>([&] { gen::nn::load_mdm(dir / "absent.safetensors"); }), "does not exist");
}

TEST_F(MdmLoading, ConfigThatContradictsTheWeightsIsNamed) {
  auto wrong = config;
  wrong.layers = 2;
  wrong.ff_size = 64;
  gen::test::write_text(dir / "config.json", wrong.to_json().dump());
  const auto msg = error_of<gen::ModelError>([&] { gen::nn::load_mdm(save(state)); });
  EXPECT_CONTAINS(msg, "layers 2 but the weights have 3");
  EXPECT_CONTAINS(msg, "ff_size 64 but the weights have 48");
}

TEST_F(MdmLoading, FrameProgressRoundTripsAndAContradictingConfigIsNamed) {
  config.frame_progress = true;
  model = random_model(config);
  want = run(model, in);
  const auto file = save(state_of(model));
  EXPECT_TRUE(torch::equal(run(gen::nn::load_mdm(file), in), want));
  config.frame_progress = false;
  gen::test::write_text(dir / "config.json", config.to_json().dump());
  EXPECT_CONTAINS(error_of<gen::ModelError>([&] { gen::nn::load_mdm(file); }),
                  "frame_progress false but the weights have its layer");
}

TEST_F(MdmLoading, MissingKeyIsNamed) {
  state.erase("seqTransEncoder.layers.1.norm2.bias");
  const auto msg = load_error(state);
  EXPECT_CONTAINS(msg, "missing keys: seqTransEncoder.layers.1.norm2.bias");
  EXPECT_EQ(msg.find('\n'), std::string::npos);
}

TEST_F(MdmLoading, UnexpectedAndMisshapenKeysAreNamed) {
  auto extra = state;
  extra["embed_action.action_embedding"] = torch::zeros({3, 32});
  EXPECT_CONTAINS(load_error(extra), "unexpected keys: embed_action.action_embedding");
  auto misshapen = state;
  misshapen["seqTransEncoder.layers.2.linear2.bias"] = torch::zeros({31});
  EXPECT_CONTAINS(load_error(misshapen), "seqTransEncoder.layers.2.linear2.bias: checkpoint [31] vs model [32]");
}

// Real checkpoints store 5000-row tables whatever the config says, and may carry CLIP.
TEST_F(MdmLoading, StoredPositionTablesOfAnyLengthAndClipKeysAreAccepted) {
  auto stored = state;
  for (const char* key : {"sequence_pos_encoder.pe", "embed_timestep.sequence_pos_encoder.pe"})
    stored[key] = torch::randn({200, 1, 32});  // not even MDM's values: they are never read
  stored["clip_model.token_embedding.weight"] = torch::zeros({5, 4});
  gen::test::write_text(dir / "config.json", config.to_json().dump());
  auto loaded = gen::nn::load_mdm(save(stored));
  EXPECT_EQ(loaded->sequence_pos_encoder_->pe.size(0), 64);
  EXPECT_TRUE(torch::equal(run(loaded, in), want));
  stored.erase("sequence_pos_encoder.pe");
  stored.erase("embed_timestep.sequence_pos_encoder.pe");
  EXPECT_TRUE(torch::equal(run(gen::nn::load_mdm(save(stored)), in), want));  // derived, so optional
}

TEST_F(MdmLoading, PositionTableOfAnotherWidthIsNamed) {
  state["embed_timestep.sequence_pos_encoder.pe"] = torch::zeros({64, 1, 16});
  EXPECT_CONTAINS(load_error(state), "embed_timestep.sequence_pos_encoder.pe has shape [64, 1, 16], expected [rows, 1, 32]");
}

TEST_F(MdmLoading, HalfPrecisionWeightsLoadAsFloat) {
  gen::nn::TensorMap half;
  for (const auto& [k, v] : state) half[k] = v.to(torch::kFloat16);
  auto loaded = gen::nn::load_mdm(save(half));
  EXPECT_EQ(loaded->embed_text_->weight.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(torch::allclose(run(loaded, in), want, 2e-2, 2e-2));
}

}  // namespace
