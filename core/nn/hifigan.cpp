#include <gen/nn/hifigan.h>

#include <torch/nn/functional/activation.h>

#include <gen/error.h>

namespace gen::nn {
namespace {

// "same" padding of a dilated odd kernel, as transformers' get_padding.
int64_t same_padding(int64_t kernel_size, int64_t dilation) { return (kernel_size * dilation - dilation) / 2; }

torch::nn::Conv1d conv1d(int64_t in, int64_t out, int64_t kernel_size, int64_t dilation = 1) {
  return torch::nn::Conv1d(
      torch::nn::Conv1dOptions(in, out, kernel_size).dilation(dilation).padding(same_padding(kernel_size, dilation)));
}

torch::Tensor leaky_relu(const torch::Tensor& x, double slope) {
  return torch::nn::functional::leaky_relu(x, torch::nn::functional::LeakyReLUFuncOptions().negative_slope(slope));
}

}  // namespace

HifiGanResidualBlockImpl::HifiGanResidualBlockImpl(int64_t channels, int64_t kernel_size,
                                                   const std::vector<int64_t>& dilations, double leaky_relu_slope)
    : slope_(leaky_relu_slope) {
  convs1 = register_module("convs1", torch::nn::ModuleList());
  convs2 = register_module("convs2", torch::nn::ModuleList());
  for (auto d : dilations) {
    convs1->push_back(conv1d(channels, channels, kernel_size, d));
    convs2->push_back(conv1d(channels, channels, kernel_size));
  }
}

torch::Tensor HifiGanResidualBlockImpl::forward(torch::Tensor x) {
  for (size_t i = 0; i < convs1->size(); ++i) {
    auto h = convs1[i]->as<torch::nn::Conv1d>()->forward(leaky_relu(x, slope_));
    h = convs2[i]->as<torch::nn::Conv1d>()->forward(leaky_relu(h, slope_));
    x = h + x;
  }
  return x;
}

SpeechT5HifiGanImpl::SpeechT5HifiGanImpl(const HifiGanConfig& config) : config_(config) {
  config_.validate();
  const auto& c = config_;
  conv_pre = register_module("conv_pre", conv1d(c.model_in_dim, c.upsample_initial_channel, 7));
  upsampler = register_module("upsampler", torch::nn::ModuleList());
  resblocks = register_module("resblocks", torch::nn::ModuleList());
  for (size_t i = 0; i < c.upsample_rates.size(); ++i) {
    const int64_t u = c.upsample_rates[i], k = c.upsample_kernel_sizes[i];
    const int64_t in = i == 0 ? c.upsample_initial_channel : c.channels(i - 1);
    upsampler->push_back(torch::nn::ConvTranspose1d(
        torch::nn::ConvTranspose1dOptions(in, c.channels(i), k).stride(u).padding((k - u) / 2)));
    for (size_t j = 0; j < c.resblock_kernel_sizes.size(); ++j)
      resblocks->push_back(HifiGanResidualBlock(c.channels(i), c.resblock_kernel_sizes[j],
                                                c.resblock_dilation_sizes[j], c.leaky_relu_slope));
  }
  conv_post = register_module("conv_post", conv1d(c.channels(c.upsample_rates.size() - 1), 1, 7));
  mean = register_buffer("mean", torch::zeros({c.model_in_dim}));
  scale = register_buffer("scale", torch::ones({c.model_in_dim}));
}

// One upsampling level: the resblocks of every kernel size see the same input and are
// averaged, summed in transformers' order.
torch::Tensor SpeechT5HifiGanImpl::upsample_level(size_t level, const torch::Tensor& x) {
  const size_t kernels = config_.resblock_kernel_sizes.size();
  auto h = upsampler[level]->as<torch::nn::ConvTranspose1d>()->forward(leaky_relu(x, config_.leaky_relu_slope));
  auto sum = resblocks[level * kernels]->as<HifiGanResidualBlock>()->forward(h);
  for (size_t j = 1; j < kernels; ++j) sum = sum + resblocks[level * kernels + j]->as<HifiGanResidualBlock>()->forward(h);
  return sum / static_cast<double>(kernels);
}

torch::Tensor SpeechT5HifiGanImpl::forward(const torch::Tensor& spectrogram) {
  const int64_t bands = config_.model_in_dim;
  const bool batched = spectrogram.dim() == 3;
  if ((!batched && spectrogram.dim() != 2) || spectrogram.size(-1) != bands)
    throw UsageError("vocoder input must be [B, frames, " + std::to_string(bands) + "] or [frames, " +
                     std::to_string(bands) + "] (time-major mel spectrogram)");
  auto x = spectrogram.to(conv_pre->weight.scalar_type());
  if (config_.normalize_before) x = (x - mean) / scale;
  if (!batched) x = x.unsqueeze(0);
  auto h = conv_pre(x.transpose(2, 1));
  for (size_t i = 0; i < config_.upsample_rates.size(); ++i) h = upsample_level(i, h);
  // The last activation uses PyTorch's default slope, not the config's (as transformers).
  h = torch::tanh(conv_post(leaky_relu(h, 0.01)));
  return batched ? h.squeeze(1) : h.squeeze(0).transpose(1, 0).reshape({-1});
}

}  // namespace gen::nn
