#include "hifigan_discriminators.h"

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/padding.h>
#include <torch/nn/functional/pooling.h>

#include <gen/error.h>

namespace audio_spectrogram {
namespace {

namespace F = torch::nn::functional;
constexpr double kSlope = 0.1;  // HiFi-GAN's LRELU_SLOPE

torch::Tensor leaky(const torch::Tensor& x) { return F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(kSlope)); }

void check_wave(const torch::Tensor& wave) {
  if (wave.dim() != 3 || wave.size(1) != 1) throw gen::Error("a discriminator takes waveforms [B, 1, T]");
}

}  // namespace

PeriodDiscriminatorImpl::PeriodDiscriminatorImpl(int64_t period, int64_t width) : period_(period) {
  const std::vector<int64_t> widths{1, width, 4 * width, 16 * width, 32 * width, 32 * width};
  convs_ = register_module("convs", torch::nn::ModuleList());
  for (size_t i = 0; i + 1 < widths.size(); ++i) {
    const int64_t stride = i + 2 < widths.size() ? 3 : 1;
    convs_->push_back(torch::nn::Conv2d(
        torch::nn::Conv2dOptions(widths[i], widths[i + 1], {5, 1}).stride({stride, 1}).padding({2, 0})));
  }
  post_ = register_module("conv_post", torch::nn::Conv2d(torch::nn::Conv2dOptions(widths.back(), 1, {3, 1}).padding({1, 0})));
}

torch::Tensor PeriodDiscriminatorImpl::forward(const torch::Tensor& wave, std::vector<torch::Tensor>& features) {
  check_wave(wave);
  auto x = wave;
  const int64_t remainder = x.size(2) % period_;
  if (remainder != 0)  // reflect-pad to whole periods, as the paper's code does
    x = F::pad(x, F::PadFuncOptions({0, period_ - remainder}).mode(torch::kReflect));
  x = x.view({x.size(0), 1, x.size(2) / period_, period_});
  for (const auto& conv : *convs_) {
    x = leaky(conv->as<torch::nn::Conv2d>()->forward(x));
    features.push_back(x);
  }
  x = post_(x);
  features.push_back(x);
  return x;
}

ScaleDiscriminatorImpl::ScaleDiscriminatorImpl(int64_t width) {
  // {in, out, kernel, stride, groups}: the paper's layout with its widths scaled.
  struct Layer { int64_t in, out, kernel, stride, groups; };
  const int64_t w = width;
  const std::vector<Layer> layers{{1, w, 15, 1, 1},
                                  {w, 4 * w, 41, 4, std::max<int64_t>(1, w / 4)},
                                  {4 * w, 16 * w, 41, 4, w},
                                  {16 * w, 32 * w, 41, 4, 4 * w},
                                  {32 * w, 32 * w, 41, 4, 8 * w},
                                  {32 * w, 32 * w, 5, 1, 1}};
  convs_ = register_module("convs", torch::nn::ModuleList());
  for (const auto& l : layers)
    convs_->push_back(torch::nn::Conv1d(
        torch::nn::Conv1dOptions(l.in, l.out, l.kernel).stride(l.stride).groups(l.groups).padding((l.kernel - 1) / 2)));
  post_ = register_module("conv_post", torch::nn::Conv1d(torch::nn::Conv1dOptions(32 * w, 1, 3).padding(1)));
}

torch::Tensor ScaleDiscriminatorImpl::forward(const torch::Tensor& wave, std::vector<torch::Tensor>& features) {
  check_wave(wave);
  auto x = wave;
  for (const auto& conv : *convs_) {
    x = leaky(conv->as<torch::nn::Conv1d>()->forward(x));
    features.push_back(x);
  }
  x = post_(x);
  features.push_back(x);
  return x;
}

MultiPeriodDiscriminatorImpl::MultiPeriodDiscriminatorImpl(int64_t width, std::vector<int64_t> periods) {
  discriminators_ = register_module("discriminators", torch::nn::ModuleList());
  for (auto p : periods) discriminators_->push_back(PeriodDiscriminator(p, width));
}

DiscriminatorOutput MultiPeriodDiscriminatorImpl::forward(const torch::Tensor& wave) {
  DiscriminatorOutput out;
  for (const auto& d : *discriminators_) {
    out.features.emplace_back();
    out.scores.push_back(d->as<PeriodDiscriminator>()->forward(wave, out.features.back()));
  }
  return out;
}

MultiScaleDiscriminatorImpl::MultiScaleDiscriminatorImpl(int64_t width) {
  if (width % 4 != 0) throw gen::UsageError("the multi-scale discriminator's width must be a multiple of 4");
  discriminators_ = register_module("discriminators", torch::nn::ModuleList());
  for (int i = 0; i < 3; ++i) discriminators_->push_back(ScaleDiscriminator(width));
}

DiscriminatorOutput MultiScaleDiscriminatorImpl::forward(const torch::Tensor& wave) {
  DiscriminatorOutput out;
  auto x = wave;
  for (size_t i = 0; i < discriminators_->size(); ++i) {
    if (i > 0) x = F::avg_pool1d(x, F::AvgPool1dFuncOptions(4).stride(2).padding(2));
    out.features.emplace_back();
    out.scores.push_back(discriminators_[i]->as<ScaleDiscriminator>()->forward(x, out.features.back()));
  }
  return out;
}

torch::Tensor discriminator_loss(const std::vector<torch::Tensor>& real, const std::vector<torch::Tensor>& fake) {
  auto loss = torch::zeros({});
  for (size_t i = 0; i < real.size(); ++i) loss = loss + (1 - real[i]).pow(2).mean() + fake[i].pow(2).mean();
  return loss;
}

torch::Tensor generator_adversarial_loss(const std::vector<torch::Tensor>& fake) {
  auto loss = torch::zeros({});
  for (const auto& f : fake) loss = loss + (1 - f).pow(2).mean();
  return loss;
}

torch::Tensor feature_matching_loss(const std::vector<std::vector<torch::Tensor>>& real,
                                    const std::vector<std::vector<torch::Tensor>>& fake) {
  auto loss = torch::zeros({});
  for (size_t i = 0; i < real.size(); ++i)
    for (size_t j = 0; j < real[i].size(); ++j) loss = loss + (real[i][j].detach() - fake[i][j]).abs().mean();
  return loss;
}

}  // namespace audio_spectrogram
