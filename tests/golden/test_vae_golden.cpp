// AutoencoderKL against diffusers 0.29.2 outputs (golden/vae).
#include <gtest/gtest.h>

#include <torch/csrc/autograd/grad_mode.h>

#include <gen/nn/autoencoder_kl.h>
#include <gen/nn/sd_checkpoint.h>

#include "nn_golden_util.h"

namespace {

using gen::test::all_close;
using gen::test::io_at;

class VaeGolden : public ::testing::Test {
 protected:
  void SetUp() override {
    model = gen::nn::load_diffusers_vae(gen::test::golden_dir() / "vae");
    io = gen::test::load_io("vae");
  }
  gen::nn::AutoencoderKL model{nullptr};
  std::map<std::string, torch::Tensor> io;
  torch::NoGradGuard no_grad;
};

TEST_F(VaeGolden, EncoderMoments) {
  EXPECT_TRUE(all_close(model->moments(io_at(io, "image")), io_at(io, "encoder_moments")));
}

TEST_F(VaeGolden, Posterior) {
  auto post = model->encode(io_at(io, "image"));
  EXPECT_TRUE(all_close(post.mean, io_at(io, "posterior_mean")));
  EXPECT_TRUE(all_close(post.logvar, io_at(io, "posterior_logvar")));
  EXPECT_TRUE(all_close(post.std, io_at(io, "posterior_std")));
  EXPECT_TRUE(all_close(post.mode(), io_at(io, "posterior_mean")));
}

TEST_F(VaeGolden, PosteriorSampleUsesTheGenerator) {
  auto post = model->encode(io_at(io, "image"));
  auto g1 = at::detail::createCPUGenerator(1234), g2 = at::detail::createCPUGenerator(1234);
  auto a = post.sample(g1), b = post.sample(g2);
  EXPECT_TRUE(torch::equal(a, b));
  auto noise = torch::randn(post.mean.sizes(), at::detail::createCPUGenerator(1234), post.mean.options());
  EXPECT_TRUE(all_close(a, post.mean + post.std * noise, 1e-6, 1e-6));
}

TEST_F(VaeGolden, Decode) {
  EXPECT_TRUE(all_close(model->decode(io_at(io, "latent")), io_at(io, "decoded")));
  EXPECT_TRUE(all_close(model->decode(io_at(io, "posterior_mean")), io_at(io, "decoded_from_posterior_mean")));
}

// scaling_factor is the case's (pipelines apply it; encode/decode above do not), and the
// downsampling factor is the one between the case's image and latent shapes.
TEST_F(VaeGolden, ScalingFactorStaysInTheConfig) {
  const auto config = gen::test::read_json(gen::test::golden_dir() / "vae" / "config.json");
  EXPECT_DOUBLE_EQ(model->config().scaling_factor, config.at("scaling_factor").get<double>());
  const auto factor = model->config().downsample_factor();
  const auto& image = io_at(io, "image");
  const auto& mean = io_at(io, "posterior_mean");
  EXPECT_EQ(image.size(2), mean.size(2) * factor);
  EXPECT_EQ(image.size(3), mean.size(3) * factor);
  EXPECT_EQ(io_at(io, "decoded").size(2), io_at(io, "latent").size(2) * factor);
}

}  // namespace
