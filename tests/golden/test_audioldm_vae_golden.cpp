// AutoencoderKL configured as AudioLDM's (one-channel mel image, 8 latent channels, three
// levels, scaling_factor 0.6) against diffusers 0.29.2 (golden/audioldm_vae): encoder
// moments, posterior, decode, and AudioLDMPipeline.decode_latents. Loaded as a folder, as
// its lone file beside its config, and from detected shapes.
#include <gtest/gtest.h>

#include <iostream>

#include <torch/csrc/autograd/grad_mode.h>

#include <gen/nn/autoencoder_kl.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/safetensors.h>

#include "nn_golden_util.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using gen::test::all_close;
using gen::test::io_at;
using gen::test::read_json;

// Prints the errors the final report quotes; the pass/fail decision is all_close's.
void print_vae_errors(const std::string& what, const torch::Tensor& got, const torch::Tensor& want) {
  auto diff = (got.detach().to(torch::kFloat64) - want.detach().to(torch::kFloat64)).abs();
  std::cout << "[audioldm_vae] " << what << ": max abs error " << diff.max().item<double>() << "\n";
}

fs::path audioldm_vae_case_dir() { return gen::test::golden_dir() / "audioldm_vae"; }
fs::path audioldm_vae_weights_file() { return audioldm_vae_case_dir() / "diffusion_pytorch_model.safetensors"; }

class AudioLdmVaeGolden : public ::testing::Test {
 protected:
  void SetUp() override {
    io = gen::test::load_io("audioldm_vae");
    model = gen::nn::load_diffusers_vae(audioldm_vae_case_dir());
  }
  const torch::Tensor& mel() const { return io_at(io, "mel_image"); }
  void expect_decoded(gen::nn::AutoencoderKL& m) {
    EXPECT_TRUE(all_close(m->decode(io_at(io, "latent")), io_at(io, "decoded")));
  }

  std::map<std::string, torch::Tensor> io;
  gen::nn::AutoencoderKL model{nullptr};
  torch::NoGradGuard no_grad;
};

TEST_F(AudioLdmVaeGolden, ConfigIsTheCasesConfig) {
  const auto j = read_json(audioldm_vae_case_dir() / "config.json");
  const auto& c = model->config();
  EXPECT_EQ(c.in_channels, j.at("in_channels").get<int64_t>());
  EXPECT_EQ(c.out_channels, j.at("out_channels").get<int64_t>());
  EXPECT_EQ(c.latent_channels, j.at("latent_channels").get<int64_t>());
  EXPECT_EQ(c.block_out_channels, j.at("block_out_channels").get<std::vector<int64_t>>());
  EXPECT_EQ(c.norm_num_groups, j.at("norm_num_groups").get<int64_t>());
  EXPECT_DOUBLE_EQ(c.scaling_factor, j.at("scaling_factor").get<double>());
  // The latent is the mel image downsampled by 2^(levels-1) in time and in frequency.
  EXPECT_EQ(mel().size(2), io_at(io, "latent").size(2) * c.downsample_factor());
  EXPECT_EQ(mel().size(3), io_at(io, "latent").size(3) * c.downsample_factor());
  int64_t params = 0;
  for (const auto& p : model->parameters()) params += p.numel();
  EXPECT_EQ(params, read_json(audioldm_vae_case_dir() / "info.json").at("num_params").get<int64_t>());
}

TEST_F(AudioLdmVaeGolden, EncoderMoments) {
  const auto moments = model->moments(mel());
  print_vae_errors("encoder_moments", moments, io_at(io, "encoder_moments"));
  EXPECT_TRUE(all_close(moments, io_at(io, "encoder_moments")));
}

TEST_F(AudioLdmVaeGolden, Posterior) {
  const auto post = model->encode(mel());
  print_vae_errors("posterior_mean", post.mean, io_at(io, "posterior_mean"));
  print_vae_errors("posterior_logvar", post.logvar, io_at(io, "posterior_logvar"));
  print_vae_errors("posterior_std", post.std, io_at(io, "posterior_std"));
  EXPECT_TRUE(all_close(post.mean, io_at(io, "posterior_mean")));
  EXPECT_TRUE(all_close(post.logvar, io_at(io, "posterior_logvar")));
  EXPECT_TRUE(all_close(post.std, io_at(io, "posterior_std")));
}

TEST_F(AudioLdmVaeGolden, Decode) {
  const auto decoded = model->decode(io_at(io, "latent"));
  const auto from_mean = model->decode(io_at(io, "posterior_mean"));
  print_vae_errors("decoded", decoded, io_at(io, "decoded"));
  print_vae_errors("decoded_from_posterior_mean", from_mean, io_at(io, "decoded_from_posterior_mean"));
  EXPECT_TRUE(all_close(decoded, io_at(io, "decoded")));
  EXPECT_TRUE(all_close(from_mean, io_at(io, "decoded_from_posterior_mean")));
}

// AudioLDMPipeline.decode_latents multiplies by 1/scaling_factor; decode_latent (what the
// pipelines here call) divides, which the README measures at ~4e-6: well inside 1e-4.
TEST_F(AudioLdmVaeGolden, PipelineDecodeLatents) {
  const auto& latent = io_at(io, "latent");
  const auto exact = model->decode((1.0 / model->config().scaling_factor) * latent);
  const auto ours = model->decode_latent(latent);
  print_vae_errors("decode_latents", exact, io_at(io, "decode_latents"));
  print_vae_errors("decode_latents (decode_latent)", ours, io_at(io, "decode_latents"));
  EXPECT_TRUE(all_close(exact, io_at(io, "decode_latents")));
  EXPECT_TRUE(all_close(ours, io_at(io, "decode_latents")));
  // The vocoder's input is the decoded mel without its channel axis: [B, frames, bands].
  EXPECT_TRUE(all_close(ours.squeeze(1), io_at(io, "vocoder_input")));
}

TEST_F(AudioLdmVaeGolden, SingleFileAndDetectedShapes) {
  auto beside = gen::nn::load_diffusers_vae(audioldm_vae_weights_file());
  expect_decoded(beside);
  EXPECT_DOUBLE_EQ(beside->config().scaling_factor, model->config().scaling_factor);
  gen::test::TempDir dir;
  fs::copy_file(audioldm_vae_weights_file(), dir / "vae.safetensors");
  auto alone = gen::nn::load_diffusers_vae(dir / "vae.safetensors", true, model->config().norm_num_groups);
  EXPECT_EQ(alone->config().in_channels, 1);
  EXPECT_EQ(alone->config().latent_channels, model->config().latent_channels);
  EXPECT_EQ(alone->config().block_out_channels, model->config().block_out_channels);
  expect_decoded(alone);
  EXPECT_TRUE(all_close(alone->moments(mel()), io_at(io, "encoder_moments")));
}

}  // namespace
