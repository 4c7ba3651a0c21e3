// transformers' SpeechT5HifiGan against its own outputs (golden/vocoder_hifigan): the
// folder form (config.json + model.safetensors), the lone file (its sibling config, or
// detection with hints), weight-normalised copies of the same weights in both of torch's
// spellings, and a config that does not fit the weights.
#include <gtest/gtest.h>

#include <functional>
#include <iostream>

#include <torch/csrc/autograd/grad_mode.h>

#include <gen/error.h>
#include <gen/nn/hifigan.h>
#include <gen/safetensors.h>

#include "nn_golden_util.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using gen::test::all_close;
using gen::test::io_at;
using gen::test::read_json;

#define EXPECT_CONTAINS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

// Prints the errors the final report quotes; the pass/fail decision is all_close's.
void print_vocoder_errors(const std::string& what, const torch::Tensor& got, const torch::Tensor& want) {
  auto diff = (got.detach().to(torch::kFloat64) - want.detach().to(torch::kFloat64)).abs();
  std::cout << "[vocoder_hifigan] " << what << ": max abs error " << diff.max().item<double>() << "\n";
}

std::string model_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const gen::ModelError& e) {
    return e.what();
  }
  return "";
}

class HifiGanGolden : public ::testing::Test {
 protected:
  void SetUp() override {
    io = gen::test::load_io("vocoder_hifigan");
    model = gen::nn::load_hifigan(case_dir());
  }
  static fs::path case_dir() { return gen::test::golden_dir() / "vocoder_hifigan"; }
  static fs::path weights_file() { return case_dir() / "model.safetensors"; }
  static nlohmann::json config_json() { return read_json(case_dir() / "config.json"); }

  // What the case's config says about the parts the weights cannot tell.
  static gen::nn::HifiGanHints hints_from_config() {
    const auto j = config_json();
    gen::nn::HifiGanHints h;
    h.upsample_rates = j.at("upsample_rates").get<std::vector<int64_t>>();
    h.resblock_dilation_sizes = j.at("resblock_dilation_sizes").get<std::vector<std::vector<int64_t>>>();
    h.leaky_relu_slope = j.at("leaky_relu_slope").get<double>();
    h.normalize_before = j.at("normalize_before").get<bool>();
    h.sampling_rate = j.at("sampling_rate").get<int64_t>();
    return h;
  }

  void expect_golden_outputs(gen::nn::SpeechT5HifiGan& m) {
    EXPECT_TRUE(all_close(m(io_at(io, "spectrogram")), io_at(io, "waveform")));
    EXPECT_TRUE(all_close(m(io_at(io, "spectrogram_unbatched")), io_at(io, "waveform_unbatched")));
  }

  std::map<std::string, torch::Tensor> io;
  gen::nn::SpeechT5HifiGan model{nullptr};
  torch::NoGradGuard no_grad;
};

TEST_F(HifiGanGolden, ConfigIsTheCasesConfig) {
  const auto j = config_json();
  const auto& c = model->config();
  EXPECT_EQ(c.model_in_dim, j.at("model_in_dim").get<int64_t>());
  EXPECT_EQ(c.upsample_initial_channel, j.at("upsample_initial_channel").get<int64_t>());
  EXPECT_EQ(c.upsample_rates, j.at("upsample_rates").get<std::vector<int64_t>>());
  EXPECT_EQ(c.upsample_kernel_sizes, j.at("upsample_kernel_sizes").get<std::vector<int64_t>>());
  EXPECT_EQ(c.resblock_kernel_sizes, j.at("resblock_kernel_sizes").get<std::vector<int64_t>>());
  EXPECT_EQ(c.resblock_dilation_sizes, j.at("resblock_dilation_sizes").get<std::vector<std::vector<int64_t>>>());
  EXPECT_DOUBLE_EQ(c.leaky_relu_slope, j.at("leaky_relu_slope").get<double>());
  EXPECT_EQ(c.normalize_before, j.at("normalize_before").get<bool>());
  EXPECT_EQ(c.sampling_rate, j.at("sampling_rate").get<int64_t>());
  EXPECT_EQ(gen::nn::HifiGanConfig::from_json(c.to_json()).to_json(), c.to_json());
}

// Every registered tensor carries transformers' name and the file's shape, nothing more.
TEST_F(HifiGanGolden, TensorNamesAndShapesAreTransformers) {
  gen::nn::ShapeMap ours;
  for (const auto& p : model->named_parameters()) ours[p.key()] = p.value().sizes().vec();
  for (const auto& b : model->named_buffers()) ours[b.key()] = b.value().sizes().vec();
  EXPECT_EQ(ours, gen::nn::shapes_in(gen::SafeTensorsFile::open(weights_file())));
  int64_t params = 0;
  for (const auto& p : model->parameters()) params += p.numel();
  EXPECT_EQ(params, read_json(case_dir() / "info.json").at("num_params").get<int64_t>());
}

TEST_F(HifiGanGolden, BatchedWaveform) {
  const auto out = model(io_at(io, "spectrogram"));
  print_vocoder_errors("waveform", out, io_at(io, "waveform"));
  EXPECT_TRUE(all_close(out, io_at(io, "waveform")));
  EXPECT_EQ(out.size(1), model->config().output_length(io_at(io, "spectrogram").size(1)));
}

TEST_F(HifiGanGolden, UnbatchedWaveform) {
  const auto out = model(io_at(io, "spectrogram_unbatched"));
  print_vocoder_errors("waveform_unbatched", out, io_at(io, "waveform_unbatched"));
  EXPECT_TRUE(all_close(out, io_at(io, "waveform_unbatched")));
}

// The lone file reads its sibling config.json; moved elsewhere, detection needs the hints.
TEST_F(HifiGanGolden, SingleFileWithSiblingConfigOrHints) {
  auto beside_config = gen::nn::load_hifigan(weights_file());
  expect_golden_outputs(beside_config);
  gen::test::TempDir dir;
  fs::copy_file(weights_file(), dir / "vocoder.safetensors");
  auto detected = gen::nn::load_hifigan(dir / "vocoder.safetensors", hints_from_config());
  EXPECT_EQ(detected->config().to_json(), model->config().to_json());
  expect_golden_outputs(detected);
  // AudioLDM's hints (five upsamplers) do not fit these two.
  EXPECT_CONTAINS(model_error([&] { gen::nn::load_hifigan(dir / "vocoder.safetensors"); }),
                  "have 2 upsamplers but the hints give 5");
}

// The same weights stored weight-normalised: v is each weight scaled per row of dim 0 (torch's
// weight_norm default) by a random factor, g its norm, so folding gives the weight back.
TEST_F(HifiGanGolden, WeightNormalisedCheckpointsAreFolded) {
  const auto plain = gen::load_safetensors(weights_file());
  std::map<std::string, torch::Tensor> normalised;
  bool parametrize = false;
  torch::manual_seed(3);
  for (const auto& [key, w] : plain) {
    if (w.dim() != 3) {  // biases and the mean/scale buffers stay as they are
      normalised[key] = w;
      continue;
    }
    const auto base = key.substr(0, key.size() - std::string(".weight").size());
    std::vector<int64_t> per_row(w.dim(), 1);
    per_row[0] = w.size(0);
    const auto g = w.reshape({w.size(0), -1}).norm(2, 1).reshape(per_row);
    const auto v = w * torch::rand(per_row).add(0.5);
    // Alternate torch's two spellings so both are read.
    if (parametrize) {
      normalised[base + ".parametrizations.weight.original0"] = g;
      normalised[base + ".parametrizations.weight.original1"] = v;
    } else {
      normalised[base + ".weight_g"] = g;
      normalised[base + ".weight_v"] = v;
    }
    parametrize = !parametrize;
  }
  gen::test::TempDir dir;
  fs::copy_file(case_dir() / "config.json", dir / "config.json");
  gen::save_safetensors(dir / "model.safetensors", normalised);
  auto folded = gen::nn::load_hifigan(dir.path());
  std::map<std::string, torch::Tensor> loaded;
  for (const auto& p : folded->named_parameters()) loaded[p.key()] = p.value();
  for (const auto& b : folded->named_buffers()) loaded[b.key()] = b.value();
  for (const auto& [key, w] : plain) EXPECT_TRUE(all_close(loaded.at(key), w, 1e-6, 1e-5)) << key;
  expect_golden_outputs(folded);
}

// A config that describes other widths is refused with the tensor that does not fit.
TEST_F(HifiGanGolden, MismatchedConfigNamesTheTensor) {
  gen::test::TempDir dir;
  auto j = config_json();
  j["upsample_initial_channel"] = 64;
  gen::test::write_text(dir / "config.json", j.dump(2));
  fs::copy_file(weights_file(), dir / "model.safetensors");
  const auto msg = model_error([&] { gen::nn::load_hifigan(dir.path()); });
  EXPECT_CONTAINS(msg, "conv_pre.weight: checkpoint [32, 16, 7] vs model [64, 16, 7]");
}

// normalize_before applies (mel - mean) / scale with the stored buffers first.
TEST_F(HifiGanGolden, NormalizeBeforeUsesTheBuffers) {
  auto config = model->config();
  config.normalize_before = true;
  gen::nn::SpeechT5HifiGan normalising(config);
  gen::nn::load_state_dict(*normalising, gen::SafeTensorsFile::open(weights_file()));
  normalising->eval();
  normalising->mean.copy_(torch::linspace(-1.0, 1.0, config.model_in_dim));
  normalising->scale.copy_(torch::linspace(0.5, 2.0, config.model_in_dim));
  const auto& mel = io_at(io, "spectrogram");
  EXPECT_TRUE(all_close(normalising(mel), model((mel - normalising->mean) / normalising->scale), 1e-6, 1e-6));
  EXPECT_FALSE(all_close(normalising(mel), io_at(io, "waveform")));
}

}  // namespace
