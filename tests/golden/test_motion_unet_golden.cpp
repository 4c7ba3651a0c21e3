// UNetMotionModel (AnimateDiff) against diffusers 0.29.2 (golden/motion_unet): the case's
// motion_adapter/ combined with the image UNet its info.json names (unet2d_dir), run on
// io.safetensors. Architecture values come from the case's config files, never from here.
#include <gtest/gtest.h>

#include <iostream>

#include <torch/csrc/autograd/grad_mode.h>

#include <gen/nn/motion_adapter.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/nn/state_dict.h>
#include <gen/nn/transformer_temporal.h>
#include <gen/nn/unet_motion_model.h>
#include <gen/safetensors.h>

#include "nn_golden_util.h"

namespace {

namespace fs = std::filesystem;
using gen::test::all_close;
using gen::test::io_at;
using gen::test::read_json;

// Prints the errors the final report quotes; the pass/fail decision is all_close's.
void print_motion_unet_errors(const std::string& what, const torch::Tensor& got, const torch::Tensor& want) {
  auto g = got.detach().to(torch::kFloat64), w = want.detach().to(torch::kFloat64);
  auto diff = (g - w).abs();
  auto significant = w.abs() >= 1e-3;  // relative errors of near-zero values say nothing
  const double max_rel = (diff.masked_select(significant) / w.abs().masked_select(significant)).max().item<double>();
  const double used = (diff / (gen::test::kNetAtol + gen::test::kNetRtol * w.abs())).max().item<double>();
  std::cout << "[motion_unet] " << what << ": max abs error " << diff.max().item<double>() << ", max rel error "
            << max_rel << " (where |want| >= 1e-3), worst |diff| / (atol + rtol |want|) = " << used << "\n";
}

class MotionUNetGolden : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    info = read_json(case_dir() / "info.json");
    unet = gen::nn::load_diffusers_unet(unet_dir());
    adapter = gen::nn::load_motion_adapter(adapter_dir());
    io = gen::test::load_io(GetParam());
  }
  fs::path case_dir() const { return gen::test::golden_dir() / GetParam(); }
  fs::path unet_dir() const { return gen::test::golden_dir() / info.at("unet2d_dir").get<std::string>(); }
  fs::path adapter_dir() const { return case_dir() / "motion_adapter"; }
  fs::path adapter_file() const { return adapter_dir() / "diffusion_pytorch_model.safetensors"; }

  torch::Tensor run(gen::nn::UNetMotionModel& m) {
    return m(io_at(io, "sample"), io_at(io, "timestep"), io_at(io, "encoder_hidden_states"));
  }

  nlohmann::json info;
  gen::nn::UNet2DConditionModel unet{nullptr};
  gen::nn::MotionAdapter adapter{nullptr};
  std::map<std::string, torch::Tensor> io;
  torch::NoGradGuard no_grad;
};

TEST_P(MotionUNetGolden, AdapterPlusUNetMatchesDiffusers) {
  auto model = gen::nn::from_unet_and_adapter(unet, adapter);
  const auto out = run(model);
  print_motion_unet_errors("out (adapter folder + UNet folder)", out, io_at(io, "out"));
  EXPECT_TRUE(all_close(out, io_at(io, "out")));
}

// The inputs are read as diffusers wrote them: the 2D UNet frame by frame gives its
// stored output (and the temporal layers are what separates `out` from it).
TEST_P(MotionUNetGolden, ImageUNetPerFrameMatchesItsReference) {
  const auto& sample = io_at(io, "sample");
  const int64_t B = sample.size(0), C = sample.size(1), F = sample.size(2), H = sample.size(3), W = sample.size(4);
  auto frames = sample.permute({0, 2, 1, 3, 4}).reshape({B * F, C, H, W});
  auto context = io_at(io, "encoder_hidden_states").repeat_interleave(F, 0);
  auto out = unet(frames, io_at(io, "timestep"), context);
  out = out.reshape({B, F, C, H, W}).permute({0, 2, 1, 3, 4});
  EXPECT_TRUE(all_close(out, io_at(io, "out_2d_per_frame")));
  EXPECT_FALSE(all_close(out, io_at(io, "out")));
}

TEST_P(MotionUNetGolden, FrameBatchedInputMatches) {
  auto model = gen::nn::from_unet_and_adapter(unet, adapter);
  const auto& sample = io_at(io, "sample");
  const int64_t B = sample.size(0), C = sample.size(1), F = sample.size(2), H = sample.size(3), W = sample.size(4);
  auto frames = sample.permute({0, 2, 1, 3, 4}).reshape({B * F, C, H, W});
  const auto& context = io_at(io, "encoder_hidden_states");
  auto want = io_at(io, "out").permute({0, 2, 1, 3, 4}).reshape({B * F, C, H, W});
  EXPECT_TRUE(all_close(model->forward_frames(frames, F, io_at(io, "timestep"), context), want));
  // One context per frame (here the same one repeated) is accepted too.
  EXPECT_TRUE(all_close(model->forward_frames(frames, F, io_at(io, "timestep"), context.repeat_interleave(F, 0)), want));
}

// The same image UNet from the original-layout single file (golden/sd_original holds it).
TEST_P(MotionUNetGolden, UNetFromSingleFileMatches) {
  const auto unet_config = gen::nn::UNet2DConditionConfig::from_json_file(unet_dir() / "config.json");
  auto file = gen::SafeTensorsFile::open(gen::test::golden_dir() / "sd_original" / "tiny_sd_original_f16.safetensors");
  const auto detected =
      gen::nn::detect_single_file_unet(file, {unet_config.norm_num_groups, unet_config.num_attention_heads});
  auto single = gen::nn::load_single_file_unet(file, detected);
  auto model = gen::nn::from_unet_and_adapter(single, adapter);
  const auto out = run(model);
  print_motion_unet_errors("out (adapter folder + UNet single file)", out, io_at(io, "out"));
  EXPECT_TRUE(all_close(out, io_at(io, "out")));
}

// A single adapter file: structure from the shapes, heads and groups from the hints
// (taken here from the folder's config.json).
TEST_P(MotionUNetGolden, AdapterFromSingleFileMatches) {
  const auto json = gen::nn::MotionAdapterConfig::from_json_file(adapter_dir() / "config.json");
  auto single = gen::nn::load_motion_adapter(adapter_file(), {json.motion_num_attention_heads, json.motion_norm_num_groups});
  EXPECT_EQ(single->config().to_json(), json.to_json());
  auto model = gen::nn::from_unet_and_adapter(unet, single);
  const auto out = run(model);
  print_motion_unet_errors("out (adapter single file + UNet folder)", out, io_at(io, "out"));
  EXPECT_TRUE(all_close(out, io_at(io, "out")));
}

// The composed model is the UNetMotionModel of the case's config.json.
TEST_P(MotionUNetGolden, ComposedConfigIsTheCaseConfig) {
  auto model = gen::nn::from_unet_and_adapter(unet, adapter);
  const auto want = read_json(case_dir() / "config.json");
  const auto got = model->config().to_json();
  for (const char* key : {"_class_name", "down_block_types", "up_block_types", "block_out_channels", "layers_per_block",
                          "num_attention_heads", "cross_attention_dim", "norm_num_groups", "in_channels", "out_channels",
                          "use_linear_projection", "motion_num_attention_heads", "motion_max_seq_length",
                          "use_motion_mid_block"}) {
    auto expected = want.at(key);
    if (expected.is_number_integer() && got.at(key).is_array())  // a number applies to every block
      expected = nlohmann::json(std::vector<nlohmann::json>(got.at(key).size(), expected));
    EXPECT_EQ(got.at(key), expected) << key;
  }
  EXPECT_EQ(adapter->config().to_json(),
            gen::nn::MotionAdapterConfig::from_json(info.at("adapter_config")).to_json());
}

// A diffusers UNetMotionModel state dict (the image UNet's tensors plus the adapter's, all
// under their own names) loads name for name into a model built from config.json alone.
TEST_P(MotionUNetGolden, ModelFromCaseConfigLoadsDiffusersStateDict) {
  gen::nn::UNetMotionModel model(gen::nn::UNetMotionConfig::from_json_file(case_dir() / "config.json"));
  auto tensors = gen::load_safetensors(unet_dir() / "diffusion_pytorch_model.safetensors");
  for (auto& [k, v] : gen::load_safetensors(adapter_file())) tensors[k] = v;
  const auto report = gen::nn::load_state_dict(*model, tensors);  // strict: no key left over either way
  EXPECT_EQ(report.loaded, tensors.size());
  model->eval();
  EXPECT_TRUE(all_close(run(model), io_at(io, "out")));
}

// The frame position table we compute is the one diffusers stored.
TEST_P(MotionUNetGolden, PositionTableEqualsTheStoredOne) {
  int checked = 0;
  for (const auto& [name, pe] : gen::load_safetensors(adapter_file())) {
    if (name.size() < 2 || name.compare(name.size() - 2, 2, "pe") != 0) continue;
    gen::nn::SinusoidalPositionalEmbedding fresh(pe.size(2), pe.size(1));
    EXPECT_TRUE(all_close(fresh->pe, pe, 1e-6, 1e-6)) << name;
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

INSTANTIATE_TEST_SUITE_P(Cases, MotionUNetGolden, ::testing::Values("motion_unet"));

}  // namespace
