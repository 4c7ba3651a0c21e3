// AnimateDiff networks on tiny random weights: adapter/UNet mismatch messages, adapter
// loading from a folder and from a single file, and the properties of the motion UNet
// that do not need diffusers (parameter names, sharing, identity motion modules).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <set>

#include <nlohmann/json.hpp>
#include <torch/csrc/autograd/grad_mode.h>

#include <gen/error.h>
#include <gen/nn/motion_adapter.h>
#include <gen/nn/prompt_travel.h>
#include <gen/nn/spatial_positions.h>
#include <gen/nn/unet2d_condition.h>
#include <gen/nn/unet_motion_model.h>
#include <gen/safetensors.h>

#include "test_util.h"
#include "tiny_motion_unet.h"

namespace {

using gen::nn::MotionAdapter;
using gen::nn::MotionAdapterConfig;
using gen::nn::UNetMotionConfig;

gen::nn::UNet2DConditionConfig tiny_unet_config() { return gen::test::tiny_motion_unet_config(); }
MotionAdapterConfig tiny_adapter_config() { return gen::test::tiny_motion_adapter_config(); }

// The message of the gen::ModelError `f` throws ("" when it throws none).
std::string model_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const gen::ModelError& e) {
    return e.what();
  }
  return "";
}

#define EXPECT_CONTAINS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

// ---- adapter / UNet mismatches -------------------------------------------------------

std::string fit_error(const MotionAdapterConfig& adapter) {
  return model_error([&] { UNetMotionConfig::from_unet_and_adapter(tiny_unet_config(), adapter); });
}

TEST(MotionAdapterFit, MatchingAdapterFits) { EXPECT_EQ(fit_error(tiny_adapter_config()), ""); }

TEST(MotionAdapterFit, BlockCountMismatchIsNamed) {
  auto a = tiny_adapter_config();
  a.block_out_channels = {32, 64, 64};
  const auto msg = fit_error(a);
  EXPECT_CONTAINS(msg, "number of blocks: the adapter has 3, the UNet 2");
  EXPECT_CONTAINS(msg, "[32, 64, 64]");
}

TEST(MotionAdapterFit, ChannelMismatchNamesTheBlock) {
  auto a = tiny_adapter_config();
  a.block_out_channels = {32, 32};
  EXPECT_CONTAINS(fit_error(a), "channels of block 1: the adapter has 32, the UNet 64");
}

TEST(MotionAdapterFit, LayersPerBlockMismatchIsNamed) {
  auto a = tiny_adapter_config();
  a.motion_layers_per_block = 2;
  EXPECT_CONTAINS(fit_error(a), "layers per block: the adapter has 2, the UNet 1");
}

TEST(MotionAdapterFit, MidBlockLayersMismatchIsNamed) {
  auto a = tiny_adapter_config();
  a.motion_mid_block_layers_per_block = 2;
  EXPECT_CONTAINS(fit_error(a), "mid block layers: the adapter has 2, the UNet 1");
}

TEST(MotionAdapterFit, EveryMismatchIsListedInOneMessage) {
  auto a = tiny_adapter_config();
  a.block_out_channels = {64, 64};
  a.motion_layers_per_block = 3;
  const auto msg = fit_error(a);
  EXPECT_CONTAINS(msg, "channels of block 0");
  EXPECT_CONTAINS(msg, "layers per block");
}

// A motion UNet described by its own config (a UNetMotionModel config.json) fixes the
// mid block, heads and length; an adapter must agree on each.
TEST(MotionAdapterFit, MidBlockPresenceMismatchIsNamedBothWays) {
  UNetMotionConfig model;
  model.unet = tiny_unet_config();
  model.motion_max_seq_length = 8;
  auto without_mid = tiny_adapter_config();
  without_mid.use_motion_mid_block = false;
  EXPECT_CONTAINS(model_error([&] { model.check_adapter(without_mid); }),
                  "mid block: the motion UNet expects mid-block motion modules");
  model.use_motion_mid_block = false;
  EXPECT_CONTAINS(model_error([&] { model.check_adapter(tiny_adapter_config()); }),
                  "mid block: the adapter has motion modules for the mid block, the motion UNet has none");
}

TEST(MotionAdapterFit, HeadsAndLengthMismatchesAreNamed) {
  UNetMotionConfig model;
  model.unet = tiny_unet_config();
  model.motion_num_attention_heads = 4;
  model.motion_max_seq_length = 24;
  const auto msg = model_error([&] { model.check_adapter(tiny_adapter_config()); });
  EXPECT_CONTAINS(msg, "motion heads: the adapter has 8, the UNet 4");
  EXPECT_CONTAINS(msg, "max sequence length: the adapter has 8, the UNet 24");
}

TEST(MotionAdapterFit, ModulesRefuseAMismatchingAdapterAndStayUntouched) {
  gen::nn::UNet2DConditionModel unet(tiny_unet_config());
  auto wrong = tiny_adapter_config();
  wrong.block_out_channels = {32, 32};
  EXPECT_CONTAINS(model_error([&] { gen::nn::from_unet_and_adapter(unet, MotionAdapter(wrong)); }),
                  "channels of block 1");

  auto config = UNetMotionConfig::from_unet_and_adapter(tiny_unet_config(), tiny_adapter_config());
  gen::nn::UNetMotionModel model(unet, config);
  auto before = model->down_blocks->ptr<gen::nn::MotionDownBlockImpl>(0)
                    ->motion_modules->ptr<gen::nn::TransformerTemporalModelImpl>(0)
                    ->proj_in->weight.clone();
  auto other = tiny_adapter_config();
  other.motion_max_seq_length = 16;
  EXPECT_CONTAINS(model_error([&] { model->load_motion_modules(MotionAdapter(other)); }), "max sequence length");
  EXPECT_TRUE(torch::equal(before, model->down_blocks->ptr<gen::nn::MotionDownBlockImpl>(0)
                                       ->motion_modules->ptr<gen::nn::TransformerTemporalModelImpl>(0)
                                       ->proj_in->weight));
}

// diffusers 0.29.2 gives UpBlockMotion's motion modules 32 groups, the others the UNet's.
TEST(MotionAdapterFit, UpBlockWithoutAttentionKeepsThirtyTwoGroups) {
  auto unet = tiny_unet_config();
  unet.norm_num_groups = 16;
  auto c = UNetMotionConfig::from_unet_and_adapter(unet, tiny_adapter_config());
  EXPECT_EQ(c.down_motion(0).norm_num_groups, 16);
  EXPECT_EQ(c.mid_motion().norm_num_groups, 16);
  EXPECT_EQ(c.up_motion(0).norm_num_groups, 32);  // UpBlock2D -> UpBlockMotion
  EXPECT_EQ(c.up_motion(1).norm_num_groups, 16);  // CrossAttnUpBlock2D
  EXPECT_EQ(c.up_motion(0).channels, 64);
}

// ---- loading -------------------------------------------------------------------------

gen::nn::TensorMap state_of(const torch::nn::Module& m) {
  gen::nn::TensorMap out;
  for (const auto& p : m.named_parameters()) out[p.key()] = p.value().detach().clone();
  for (const auto& b : m.named_buffers()) out[b.key()] = b.value().detach().clone();
  return out;
}

void expect_same_state(const torch::nn::Module& a, const gen::nn::TensorMap& want) {
  const auto got = state_of(a);
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [k, v] : want) EXPECT_TRUE(torch::equal(got.at(k), v)) << k;
}

// A random adapter whose position tables differ from the computed ones, so a loader that
// skipped the buffers would be caught.
gen::nn::TensorMap random_adapter_state(const MotionAdapterConfig& c) {
  torch::manual_seed(7);
  auto state = state_of(*MotionAdapter(c));
  for (auto& [k, v] : state)
    if (k.size() > 3 && k.compare(k.size() - 3, 3, ".pe") == 0) v = torch::randn_like(v);
  return state;
}

void write_folder(const std::filesystem::path& dir, const nlohmann::json& config, const gen::nn::TensorMap& state) {
  std::filesystem::create_directories(dir);
  gen::test::write_text(dir / "config.json", config.dump(2));
  gen::save_safetensors(dir / "diffusion_pytorch_model.safetensors", state);
}

// Saves `state` as one .safetensors file without config.json and loads it back: the
// structure must come from the tensors alone. Returns the detected config.
MotionAdapterConfig detected_from_single_file(const gen::nn::TensorMap& state) {
  gen::test::TempDir tmp;
  gen::save_safetensors(tmp / "mm.safetensors", state);
  auto adapter = gen::nn::load_motion_adapter(tmp / "mm.safetensors");
  expect_same_state(*adapter, state);
  return adapter->config();
}

TEST(MotionAdapterLoading, FromDiffusersFolder) {
  gen::test::TempDir tmp;
  auto c = tiny_adapter_config();
  c.motion_num_attention_heads = 4;  // only config.json can say so
  const auto state = random_adapter_state(c);
  write_folder(tmp / "adapter", c.to_json(), state);
  auto adapter = gen::nn::load_motion_adapter(tmp / "adapter");
  EXPECT_EQ(adapter->config().to_json(), c.to_json());
  expect_same_state(*adapter, state);
}

TEST(MotionAdapterLoading, FromSingleFileDetectsTheStructure) {
  gen::test::TempDir tmp;
  const auto c = tiny_adapter_config();
  const auto state = random_adapter_state(c);
  gen::save_safetensors(tmp / "mm.safetensors", state);
  auto adapter = gen::nn::load_motion_adapter(tmp / "mm.safetensors");
  EXPECT_EQ(adapter->config().to_json(), c.to_json());
  expect_same_state(*adapter, state);
}

// AnimateDiff v1 modules: no mid block, 24 positions; stored in F16.
TEST(MotionAdapterLoading, SingleF16FileWithoutMidBlock) {
  gen::test::TempDir tmp;
  auto c = tiny_adapter_config();
  c.use_motion_mid_block = false;
  c.motion_max_seq_length = 24;
  auto state = random_adapter_state(c);
  for (auto& [k, v] : state) v = v.to(torch::kHalf);
  gen::save_safetensors(tmp / "v1.safetensors", state);
  auto adapter = gen::nn::load_motion_adapter(tmp / "v1.safetensors");
  EXPECT_FALSE(adapter->config().use_motion_mid_block);
  EXPECT_EQ(adapter->config().motion_max_seq_length, 24);
  EXPECT_FALSE(adapter->mid_block);
  for (auto& [k, v] : state) v = v.to(torch::kFloat32);
  expect_same_state(*adapter, state);
}

TEST(MotionAdapterLoading, ConfigThatContradictsTheWeightsSaysWhere) {
  gen::test::TempDir tmp;
  auto c = tiny_adapter_config();
  c.use_motion_mid_block = false;
  auto claims = c;
  claims.use_motion_mid_block = true;
  claims.motion_layers_per_block = 2;
  write_folder(tmp / "adapter", claims.to_json(), random_adapter_state(c));
  const auto msg = model_error([&] { gen::nn::load_motion_adapter(tmp / "adapter"); });
  EXPECT_CONTAINS(msg, "use_motion_mid_block true but the weights have no mid_block");
  EXPECT_CONTAINS(msg, "motion_layers_per_block 2 but the weights have 1");
}

TEST(MotionAdapterLoading, OriginalAnimateDiffNamesAreRefused) {
  gen::test::TempDir tmp;
  gen::save_safetensors(tmp / "mm_sd_v15.safetensors",
                        {{"down_blocks.0.motion_modules.0.temporal_transformer.proj_in.weight", torch::zeros({32, 32})}});
  EXPECT_CONTAINS(model_error([&] { gen::nn::load_motion_adapter(tmp / "mm_sd_v15.safetensors"); }),
                  "original AnimateDiff key");
}

TEST(MotionAdapterLoading, PiaAdaptersAreRefused) {
  auto j = tiny_adapter_config().to_json();
  j["conv_in_channels"] = 9;
  EXPECT_CONTAINS(model_error([&] { MotionAdapterConfig::from_json(j); }), "conv_in_channels");
}

TEST(MotionAdapterLoading, MissingPathIsAnInputError) {
  EXPECT_THROW(gen::nn::load_motion_adapter("/nonexistent/adapter.safetensors"), gen::InputError);
  gen::test::TempDir tmp;
  std::filesystem::create_directories(tmp / "empty");
  EXPECT_THROW(gen::nn::load_motion_adapter(tmp / "empty"), gen::InputError);
}

// ---- the motion UNet -----------------------------------------------------------------

struct TinyMotion {
  gen::nn::UNet2DConditionModel unet{tiny_unet_config()};
  MotionAdapter adapter{tiny_adapter_config()};
  gen::nn::UNetMotionModel model = gen::nn::from_unet_and_adapter(unet, adapter);
  torch::Tensor sample = torch::randn({2, 4, 5, 8, 8});  // [B, C, F, H, W]
  torch::Tensor context = torch::randn({2, 3, 16});
  torch::Tensor t = torch::tensor({999, 10});
};

std::set<std::string> names_of(const torch::nn::Module& m) {
  std::set<std::string> out;
  for (const auto& [k, v] : state_of(m)) out.insert(k);
  return out;
}

// diffusers' UNetMotionModel state dict = the image UNet's keys + the adapter's keys.
TEST(UNetMotionModel, ParameterNamesAreTheUNetsPlusTheAdapters) {
  TinyMotion m;
  auto want = names_of(*m.unet);
  for (const auto& k : names_of(*m.adapter)) want.insert(k);
  EXPECT_EQ(names_of(*m.model), want);
}

TEST(UNetMotionModel, SharesTheImageUNetsWeights) {
  TinyMotion m;
  EXPECT_EQ(m.model->conv_in->weight.data_ptr(), m.unet->conv_in->weight.data_ptr());
  EXPECT_EQ(m.model->named_parameters()["up_blocks.1.attentions.0.proj_in.weight"].data_ptr(),
            m.unet->named_parameters()["up_blocks.1.attentions.0.proj_in.weight"].data_ptr());
}

TEST(UNetMotionModel, CopiesTheAdaptersMotionModules) {
  TinyMotion m;
  const auto model_state = state_of(*m.model);
  for (const auto& [k, v] : state_of(*m.adapter)) EXPECT_TRUE(torch::equal(model_state.at(k), v)) << k;
}

void zero_motion_outputs(torch::nn::Module& model) {
  torch::NoGradGuard g;
  for (auto& p : model.named_parameters())
    if (p.key().find("motion_modules") != std::string::npos && p.key().find(".proj_out.") != std::string::npos)
      p.value().zero_();
}

torch::Tensor image_unet_per_frame(gen::nn::UNet2DConditionModel& unet, const TinyMotion& m) {
  const auto& s = m.sample;
  const int64_t B = s.size(0), C = s.size(1), F = s.size(2), H = s.size(3), W = s.size(4);
  auto out = unet(s.permute({0, 2, 1, 3, 4}).reshape({B * F, C, H, W}), m.t.repeat_interleave(F, 0),
                  m.context.repeat_interleave(F, 0));
  return out.reshape({B, F, C, H, W}).permute({0, 2, 1, 3, 4});
}

// With every motion module's proj_out at zero (AnimateDiff's initialisation) the motion
// UNet is the image UNet applied frame by frame.
TEST(UNetMotionModel, ZeroMotionModulesGiveTheImageUNetPerFrame) {
  TinyMotion m;
  torch::NoGradGuard g;
  EXPECT_FALSE(torch::allclose(m.model(m.sample, m.t, m.context), image_unet_per_frame(m.unet, m), 1e-5, 1e-5));
  zero_motion_outputs(*m.model);
  EXPECT_TRUE(torch::allclose(m.model(m.sample, m.t, m.context), image_unet_per_frame(m.unet, m), 1e-5, 1e-5));
}

TEST(UNetMotionModel, FramesInfluenceEachOtherButClipsDoNot) {
  TinyMotion m;
  torch::NoGradGuard g;
  auto base = m.model(m.sample, m.t, m.context);
  auto changed = m.sample.clone();
  changed.select(2, 0).select(0, 0).add_(1.0);  // clip 0, frame 0
  auto out = m.model(changed, m.t, m.context);
  EXPECT_FALSE(torch::allclose(out.select(0, 0).select(1, 3), base.select(0, 0).select(1, 3)));  // clip 0, frame 3
  EXPECT_TRUE(torch::allclose(out.select(0, 1), base.select(0, 1), 1e-6, 1e-6));                // clip 1
}

TEST(UNetMotionModel, FrameBatchedAndClipLayoutsAgree) {
  TinyMotion m;
  torch::NoGradGuard g;
  const auto& s = m.sample;
  auto frames = s.permute({0, 2, 1, 3, 4}).reshape({10, 4, 8, 8});
  auto want = m.model(s, m.t, m.context).permute({0, 2, 1, 3, 4}).reshape({10, 4, 8, 8});
  EXPECT_TRUE(torch::allclose(m.model->forward_frames(frames, 5, m.t, m.context), want, 1e-5, 1e-5));
}

TEST(UNetMotionModel, TooManyFramesOrBadShapesAreUsageErrors) {
  TinyMotion m;
  torch::NoGradGuard g;
  EXPECT_THROW(m.model(torch::randn({1, 4, 9, 8, 8}), m.t[0], m.context[0].unsqueeze(0)), gen::UsageError);  // 8 max
  EXPECT_THROW(m.model->forward_frames(torch::randn({7, 4, 8, 8}), 5, m.t, m.context), gen::UsageError);
  EXPECT_THROW(m.model(m.sample, m.t, torch::randn({3, 3, 16})), gen::UsageError);
}

TEST(UNetMotionModel, AdapterWithoutMidBlockKeepsThePlainMidBlock) {
  gen::nn::UNet2DConditionModel unet(tiny_unet_config());
  auto c = tiny_adapter_config();
  c.use_motion_mid_block = false;
  auto model = gen::nn::from_unet_and_adapter(unet, MotionAdapter(c));
  for (const auto& k : names_of(*model)) EXPECT_EQ(k.find("mid_block.motion_modules"), std::string::npos) << k;
  torch::NoGradGuard g;
  EXPECT_EQ(model(torch::randn({1, 4, 3, 8, 8}), torch::tensor(5), torch::randn({1, 3, 16})).sizes(),
            (std::vector<int64_t>{1, 4, 3, 8, 8}));
}

TEST(UNetMotionConfig, JsonRoundTrip) {
  auto c = UNetMotionConfig::from_unet_and_adapter(tiny_unet_config(), tiny_adapter_config());
  const auto j = c.to_json();
  EXPECT_EQ(j.at("down_block_types"), nlohmann::json({"CrossAttnDownBlockMotion", "DownBlockMotion"}));
  EXPECT_EQ(j.at("up_block_types"), nlohmann::json({"UpBlockMotion", "CrossAttnUpBlockMotion"}));
  EXPECT_EQ(UNetMotionConfig::from_json(j).to_json(), j);
}

// ---- motion modules that attend to the text (gen's extension) -------------------------

MotionAdapterConfig text_adapter_config() {
  auto c = tiny_adapter_config();
  c.motion_cross_attention_dim = 16;  // the tiny UNet's text width
  return c;
}

TEST(TextMotionModules, ConfigRoundTripsAndSingleFilesAreDetected) {
  const auto c = text_adapter_config();
  EXPECT_EQ(MotionAdapterConfig::from_json(c.to_json()).motion_cross_attention_dim, 16);
  EXPECT_FALSE(tiny_adapter_config().to_json().contains("motion_cross_attention_dim"));  // diffusers' keys only
  const auto state = random_adapter_state(c);
  EXPECT_EQ(state.at("down_blocks.0.motion_modules.0.transformer_blocks.0.attn2.to_k.weight").sizes(),
            (std::vector<int64_t>{32, 16}));
  EXPECT_EQ(detected_from_single_file(state).motion_cross_attention_dim, 16);
}

// The motion modules may read a text tower of their own, of another width than the
// UNet's text; the motion model and an adapter must still agree on that width.
TEST(TextMotionModules, AdapterAndUNetMustAgreeOnTheText) {
  EXPECT_EQ(fit_error(text_adapter_config()), "");
  auto wide = text_adapter_config();
  wide.motion_cross_attention_dim = 24;
  EXPECT_EQ(fit_error(wide), "");
  auto model = UNetMotionConfig::from_unet_and_adapter(tiny_unet_config(), tiny_adapter_config());
  EXPECT_CONTAINS(model_error([&] { model.check_adapter(text_adapter_config()); }), "motion_cross_attention_dim");
}

TEST(TextMotionModules, ModulesWithTheirOwnTextTowerReadItsStates) {
  auto wide = text_adapter_config();
  wide.motion_cross_attention_dim = 24;
  gen::nn::UNet2DConditionModel unet(tiny_unet_config());
  auto model = gen::nn::from_unet_and_adapter(unet, MotionAdapter(wide));
  torch::NoGradGuard g;
  auto x = torch::randn({1, 4, 4, 8, 8});
  auto t = torch::tensor(50);
  auto text = torch::randn({1, 3, 16});
  auto a = torch::randn({1, 5, 24}), b = torch::randn({1, 5, 24});
  EXPECT_FALSE(torch::allclose(model(x, t, text, a), model(x, t, text, b), 1e-4, 1e-4));
  auto frames = x.permute({0, 2, 1, 3, 4}).reshape({4, 4, 8, 8});
  EXPECT_TRUE(torch::allclose(model->forward_frames(frames, 4, t, text, a),
                              model->forward_frames(frames, 4, t, text, a.repeat_interleave(4, 0)), 1e-5, 1e-5));
  // Without the tower's states, or with states of the UNet's width: a clear error.
  EXPECT_THROW(model(x, t, text), gen::UsageError);
  EXPECT_THROW(model(x, t, text, torch::randn({1, 5, 16})), gen::UsageError);
  EXPECT_THROW(model(x, t, text, torch::randn({3, 5, 24})), gen::UsageError);
  auto plain = gen::nn::from_unet_and_adapter(unet, MotionAdapter(tiny_adapter_config()));
  EXPECT_THROW(plain(x, t, text, a), gen::UsageError);
}

// One product per clip must equal diffusers' way: every pixel's sequence attending to
// its own copy of the clip's text.
TEST(TextMotionModules, ClipCrossAttentionEqualsPerSequenceAttention) {
  torch::manual_seed(3);
  gen::nn::AttentionOptions o;
  o.query_dim = 32;
  o.cross_attention_dim = 16;
  o.heads = 4;
  o.dim_head = 8;
  gen::nn::Attention attn(o);
  torch::NoGradGuard g;
  auto x = torch::randn({2 * 6, 5, 32});  // 2 clips x 6 locations, 5 frames
  auto text = torch::randn({2, 3, 16});
  auto want = attn(x, text.repeat_interleave(6, 0));
  EXPECT_TRUE(torch::allclose(gen::nn::clip_cross_attention(*attn, x, text, 4), want, 1e-5, 1e-5));
}

TEST(TextMotionModules, TheTextSteersTheMotionModulesOnly) {
  gen::nn::UNet2DConditionModel unet(tiny_unet_config());
  auto model = gen::nn::from_unet_and_adapter(unet, MotionAdapter(text_adapter_config()));
  torch::NoGradGuard g;
  auto x = torch::randn({1, 4, 4, 8, 8});
  auto t = torch::tensor(50);
  auto a = torch::randn({1, 3, 16}), b = torch::randn({1, 3, 16});
  EXPECT_FALSE(torch::allclose(model(x, t, a), model(x, t, b), 1e-4, 1e-4));
  // Per-frame contexts of one clip are the clip's text: the same result.
  auto frames = x.permute({0, 2, 1, 3, 4}).reshape({4, 4, 8, 8});
  EXPECT_TRUE(torch::allclose(model->forward_frames(frames, 4, t, a), model->forward_frames(frames, 4, t, a.repeat({4, 1, 1})),
                              1e-5, 1e-5));
}

// ---- motion modules with a 3D convolution block (gen's extension) ---------------------

MotionAdapterConfig conv_adapter_config() {
  auto c = tiny_adapter_config();
  c.motion_conv3d_reduction = 4;
  return c;
}

TEST(MotionConv3d, ConfigRoundTripsAndSingleFilesAreDetected) {
  const auto c = conv_adapter_config();
  EXPECT_EQ(MotionAdapterConfig::from_json(c.to_json()).motion_conv3d_reduction, 4);
  EXPECT_FALSE(tiny_adapter_config().to_json().contains("motion_conv3d_reduction"));  // diffusers' keys only
  const auto state = random_adapter_state(c);
  EXPECT_EQ(state.at("down_blocks.1.motion_modules.0.temporal_conv.conv1.weight").sizes(),
            (std::vector<int64_t>{16, 64, 3, 3, 3}));
  EXPECT_EQ(detected_from_single_file(state).motion_conv3d_reduction, 4);
}

TEST(MotionConv3d, AdapterAndUNetMustAgreeAndTheReductionMustDivide) {
  EXPECT_EQ(fit_error(conv_adapter_config()), "");
  auto model = UNetMotionConfig::from_unet_and_adapter(tiny_unet_config(), tiny_adapter_config());
  EXPECT_CONTAINS(model_error([&] { model.check_adapter(conv_adapter_config()); }), "motion_conv3d_reduction");
  auto odd = conv_adapter_config();
  odd.motion_conv3d_reduction = 3;
  EXPECT_CONTAINS(model_error([&] { odd.validate(); }), "not divisible by motion_conv3d_reduction 3");
  gen::nn::TemporalTransformerOptions o;
  o.channels = 32;
  o.conv3d_reduction = 5;
  EXPECT_CONTAINS(model_error([&] { gen::nn::check_temporal_options(o); }), "reduction 5");
}

// Two modules alike but for the 3D convolution block.
// One small motion module's options (32 channels, 4 heads, 8 positions).
gen::nn::TemporalTransformerOptions small_module_options(int64_t norm_num_groups) {
  gen::nn::TemporalTransformerOptions o;
  o.channels = 32;
  o.heads = 4;
  o.norm_num_groups = norm_num_groups;
  o.max_seq_length = 8;
  return o;
}

struct ModulePair {
  // One group: a local change moves the statistics least.
  gen::nn::TemporalTransformerOptions plain_options = small_module_options(1);
  gen::nn::TransformerTemporalModel plain{plain_options};
  gen::nn::TransformerTemporalModel conv{[this] {
    auto o = plain_options;
    o.conv3d_reduction = 4;
    return o;
  }()};
  ModulePair() {
    torch::NoGradGuard g;
    auto from = plain->named_parameters();
    for (auto& p : conv->named_parameters())
      if (from.contains(p.key())) p.value().copy_(from[p.key()]);
  }
};

// conv2 at zero (how training starts) leaves AnimateDiff's module as it was.
TEST(MotionConv3d, ZeroLastLayerIsTheAnimateDiffModule) {
  ModulePair m;
  torch::NoGradGuard g;
  auto x = torch::randn({2 * 5, 32, 6, 6});
  EXPECT_FALSE(torch::allclose(m.conv(x, 5), m.plain(x, 5), 1e-5, 1e-5));
  m.conv->temporal_conv->conv2->weight.zero_();
  m.conv->temporal_conv->conv2->bias.zero_();
  EXPECT_TRUE(torch::allclose(m.conv(x, 5), m.plain(x, 5), 1e-6, 1e-6));
}

// What the block is for: a pixel reads its neighbours' other frames, two pixels each
// way (two 3x3x3 kernels); AnimateDiff's module reads its own pixel's frames only.
// Swapping two pixels of frame 0 keeps the module's norm statistics, so in the plain
// module whatever moves moved through attention. In the block, the second norm's
// statistics change with everything, which moves far pixels a little: "out of reach"
// is a change two orders of magnitude smaller than a neighbour's.
TEST(MotionConv3d, ModulesSeeNeighbouringPixelsOfOtherFramesOnlyWithTheBlock) {
  ModulePair m;
  torch::NoGradGuard g;
  torch::manual_seed(5);
  auto x = torch::randn({5, 32, 12, 12});  // one clip of 5 frames
  auto swapped = x.clone();
  swapped[0].select(1, 1).select(1, 1).copy_(x[0].select(1, 6).select(1, 6));
  swapped[0].select(1, 6).select(1, 6).copy_(x[0].select(1, 1).select(1, 1));
  auto change = [&](gen::nn::TransformerTemporalModel& module, int64_t frame, int64_t row, int64_t col) {
    auto a = module(x, 5)[frame].select(1, row).select(1, col), b = module(swapped, 5)[frame].select(1, row).select(1, col);
    return (a - b).abs().max().item<double>();
  };
  EXPECT_GT(change(m.plain, 1, 1, 1), 1e-3);  // its own history
  EXPECT_LT(change(m.plain, 1, 1, 2), 1e-6);  // a neighbour: untouched
  const double neighbour = change(m.conv, 1, 1, 2), two_away = change(m.conv, 2, 3, 3), far = change(m.conv, 1, 1, 5);
  EXPECT_GT(neighbour, 1e-3);
  EXPECT_GT(two_away, 1e-3);
  EXPECT_LT(far, 0.01 * std::min(neighbour, two_away));
}

// ---- motion modules that know where each pixel is (gen's extension) -------------------

TEST(MotionSpatialPositions, FeaturesAreNormalisedRowAndColumnWaves) {
  const auto f = gen::nn::spatial_fourier_features(4, 6);
  ASSERT_EQ(f.sizes(), (std::vector<int64_t>{24, gen::nn::kSpatialFeatures}));
  const auto at = [&](int64_t row, int64_t col, int64_t i) { return f[row * 6 + col][i].item<double>(); };
  EXPECT_NEAR(at(0, 0, 0), std::sin(M_PI * 0.5 / 4), 1e-6);  // row 0 of 4, lowest frequency
  EXPECT_NEAR(at(3, 2, 1), std::cos(M_PI * 3.5 / 4), 1e-6);
  EXPECT_NEAR(at(1, 5, 8), std::sin(M_PI * 5.5 / 6), 1e-6);  // column 5 of 6
  EXPECT_NEAR(at(1, 5, 10), std::sin(2 * M_PI * 5.5 / 6), 1e-6);
  EXPECT_EQ(at(2, 0, 3), at(2, 4, 3));  // row features do not depend on the column
  // Normalised: pixel (1, 1) of a 6x6 picture sits where pixel (0, 0) of a 2x2 one does.
  EXPECT_TRUE(torch::allclose(gen::nn::spatial_fourier_features(6, 6)[1 * 6 + 1],
                              gen::nn::spatial_fourier_features(2, 2)[0], 1e-6, 1e-6));
  EXPECT_FALSE(torch::allclose(gen::nn::spatial_fourier_features(6, 6)[1 * 6 + 2],
                               gen::nn::spatial_fourier_features(2, 2)[0], 1e-3, 1e-3));
  EXPECT_NEAR(gen::nn::spatial_fourier_features(1, 1)[0][0].item<double>(), 1.0, 1e-6);  // sin(pi/2)
}

TEST(MotionSpatialPositions, ConfigRoundTripsAndSingleFilesAreDetected) {
  auto c = tiny_adapter_config();
  c.motion_spatial_positions = true;
  EXPECT_TRUE(MotionAdapterConfig::from_json(c.to_json()).motion_spatial_positions);
  EXPECT_FALSE(tiny_adapter_config().to_json().contains("motion_spatial_positions"));
  const auto state = random_adapter_state(c);
  EXPECT_EQ(state.at("up_blocks.0.motion_modules.1.spatial_pos.weight").sizes(),
            (std::vector<int64_t>{64, gen::nn::kSpatialFeatures}));
  EXPECT_TRUE(detected_from_single_file(state).motion_spatial_positions);
  auto model = UNetMotionConfig::from_unet_and_adapter(tiny_unet_config(), tiny_adapter_config());
  EXPECT_CONTAINS(model_error([&] { model.check_adapter(c); }), "motion_spatial_positions");
}

// Pixels with the same history come out alike from AnimateDiff's module and differently
// once each knows its place.
TEST(MotionSpatialPositions, PixelsWithTheSameHistoryDifferOnlyWithPositions) {
  auto o = small_module_options(8);
  gen::nn::TransformerTemporalModel plain(o);
  o.spatial_positions = true;
  gen::nn::TransformerTemporalModel placed(o);
  torch::NoGradGuard g;
  auto x = torch::randn({4, 32, 1, 1}).expand({4, 32, 6, 6}).contiguous();  // one clip, every pixel alike
  auto spread = [](const torch::Tensor& y) { return (y - y.select(2, 0).select(2, 0).unsqueeze(2).unsqueeze(3)).abs().max().item<double>(); };
  EXPECT_LT(spread(plain(x, 4)), 1e-5);
  EXPECT_GT(spread(placed(x, 4)), 1e-3);
}

// ---- learnt prompt travel (gen's extension) --------------------------------------------

MotionAdapterConfig travel_adapter_config() {
  auto c = tiny_adapter_config();
  c.motion_prompt_travel_dim = 24;
  c.motion_prompt_travel_text_dim = 16;  // the tiny UNet's cross_attention_dim
  return c;
}

TEST(PromptTravel, ConfigRoundTripsSingleFilesAreDetectedAndMismatchesNamed) {
  const auto c = travel_adapter_config();
  const auto back = MotionAdapterConfig::from_json(c.to_json());
  EXPECT_EQ(back.motion_prompt_travel_dim, 24);
  EXPECT_EQ(back.motion_prompt_travel_text_dim, 16);
  EXPECT_FALSE(tiny_adapter_config().to_json().contains("motion_prompt_travel_dim"));  // diffusers' keys only
  const auto state = random_adapter_state(c);
  EXPECT_EQ(state.at("prompt_travel.in.weight").sizes(),
            (std::vector<int64_t>{24, 16 + 16 + gen::nn::prompt_travel_frame_features()}));
  const auto detected = detected_from_single_file(state);
  EXPECT_EQ(detected.motion_prompt_travel_dim, 24);
  EXPECT_EQ(detected.motion_prompt_travel_text_dim, 16);
  EXPECT_EQ(fit_error(c), "");
  auto plain = UNetMotionConfig::from_unet_and_adapter(tiny_unet_config(), tiny_adapter_config());
  EXPECT_CONTAINS(model_error([&] { plain.check_adapter(c); }), "motion_prompt_travel_dim");
  auto wide = c;
  wide.motion_prompt_travel_text_dim = 32;
  EXPECT_CONTAINS(fit_error(wide), "prompt travel text width: the adapter has 32, the UNet 16");
  auto headless = c;
  headless.motion_prompt_travel_text_dim = 0;
  EXPECT_CONTAINS(model_error([&] { headless.validate(); }), "motion_prompt_travel_text_dim");
  // A folder whose config.json leaves the travel out does not describe its weights.
  gen::test::TempDir tmp;
  write_folder(tmp / "adapter", tiny_adapter_config().to_json(), state);
  EXPECT_CONTAINS(model_error([&] { gen::nn::load_motion_adapter(tmp / "adapter"); }), "motion_prompt_travel_dim 0");
}

// At zero output (how training starts) the motion UNet is the one without travel; with
// weights, each frame reads its own text states, and the offsets follow the caption.
TEST(PromptTravel, ZeroOutputIsThePlainModelAndWeightsMakeFramesReadTheirOwnText) {
  gen::nn::UNet2DConditionModel unet(tiny_unet_config());
  auto plain = gen::nn::from_unet_and_adapter(unet, MotionAdapter(tiny_adapter_config()));
  auto adapter = MotionAdapter(travel_adapter_config());
  {
    torch::NoGradGuard g;
    auto from = plain->named_parameters();
    for (auto& p : adapter->named_parameters())
      if (from.contains(p.key())) p.value().copy_(from[p.key()]);
    for (auto& p : adapter->named_buffers()) p.value().copy_(plain->named_buffers()[p.key()]);
  }
  auto travel = gen::nn::from_unet_and_adapter(unet, adapter);
  ASSERT_TRUE(travel->prompt_travel);
  torch::NoGradGuard g;
  torch::manual_seed(11);
  auto x = torch::randn({1, 4, 5, 8, 8});
  auto t = torch::tensor(50);
  auto text = torch::randn({1, 3, 16}), other = torch::randn({1, 3, 16});
  EXPECT_FALSE(torch::allclose(travel(x, t, text), plain(x, t, text), 1e-4, 1e-4));
  travel->prompt_travel->out->weight.zero_();
  travel->prompt_travel->out->bias.zero_();
  EXPECT_TRUE(torch::allclose(travel(x, t, text), plain(x, t, text), 1e-6, 1e-6));

  travel->prompt_travel->out->weight.normal_(0, 0.5);
  const auto states = text.repeat_interleave(5, 0);
  const auto offset = travel->prompt_travel(states, states, 5) - states;
  EXPECT_GT((offset[0] - offset[4]).abs().max().item<double>(), 1e-3);  // first and last frame differ
  const auto others = other.repeat_interleave(5, 0);
  const auto moved = travel->prompt_travel(states, others, 5) - states;
  EXPECT_GT((moved - offset).abs().max().item<double>(), 1e-3);  // another caption, other offsets
  EXPECT_THROW(travel->prompt_travel(states, others.narrow(0, 0, 4), 5), gen::UsageError);
}

}  // namespace
