// HiFi-GAN's discriminators and losses (Kong et al. 2020), used only to train the vocoder
// (they are not shipped). The multi-period discriminator looks at the waveform folded
// into [T/p, p] for p = 2, 3, 5, 7, 11 with (k, 1) convolutions, so each sees one phase of
// every p-th sample; the multi-scale discriminator looks at the waveform, its 2x and its
// 4x average-pooled versions with strided, grouped 1-D convolutions. Both return every
// sub-discriminator's score map and its intermediate feature maps (for feature matching).
// The paper's widths are {32, 128, 512, 1024, 1024} (MPD) and {16, 64, 256, 1024, 1024,
// 1024} (MSD); `width` scales them down for a small vocoder: MPD {w, 4w, 16w, 32w, 32w},
// MSD {w, 4w, 16w, 32w, 32w, 32w}. Weight and spectral normalisation are left out (plain
// convolutions train the small networks here stably).
#pragma once
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/types.h>

namespace audio_spectrogram {

struct DiscriminatorOutput {
  std::vector<torch::Tensor> scores;                 // one score map per sub-discriminator
  std::vector<std::vector<torch::Tensor>> features;  // per sub-discriminator, per layer
};

class PeriodDiscriminatorImpl : public torch::nn::Module {
 public:
  PeriodDiscriminatorImpl(int64_t period, int64_t width);
  // wave [B, 1, T] -> score [B, 1, rows, period]; `features` gets every layer's activation.
  torch::Tensor forward(const torch::Tensor& wave, std::vector<torch::Tensor>& features);

 private:
  int64_t period_;
  torch::nn::ModuleList convs_{nullptr};
  torch::nn::Conv2d post_{nullptr};
};
TORCH_MODULE(PeriodDiscriminator);

class ScaleDiscriminatorImpl : public torch::nn::Module {
 public:
  explicit ScaleDiscriminatorImpl(int64_t width);
  torch::Tensor forward(const torch::Tensor& wave, std::vector<torch::Tensor>& features);  // [B, 1, T] -> [B, 1, T']

 private:
  torch::nn::ModuleList convs_{nullptr};
  torch::nn::Conv1d post_{nullptr};
};
TORCH_MODULE(ScaleDiscriminator);

class MultiPeriodDiscriminatorImpl : public torch::nn::Module {
 public:
  explicit MultiPeriodDiscriminatorImpl(int64_t width, std::vector<int64_t> periods = {2, 3, 5, 7, 11});
  DiscriminatorOutput forward(const torch::Tensor& wave);  // [B, 1, T]

 private:
  torch::nn::ModuleList discriminators_{nullptr};
};
TORCH_MODULE(MultiPeriodDiscriminator);

class MultiScaleDiscriminatorImpl : public torch::nn::Module {
 public:
  explicit MultiScaleDiscriminatorImpl(int64_t width);
  DiscriminatorOutput forward(const torch::Tensor& wave);  // [B, 1, T]; scales 1, 1/2, 1/4

 private:
  torch::nn::ModuleList discriminators_{nullptr};
};
TORCH_MODULE(MultiScaleDiscriminator);

// LSGAN: the discriminator pushes real scores to 1 and generated ones to 0,
// sum over sub-discriminators of mean((1 - D(real))^2) + mean(D(fake)^2).
torch::Tensor discriminator_loss(const std::vector<torch::Tensor>& real, const std::vector<torch::Tensor>& fake);
// The generator's side: sum of mean((1 - D(fake))^2).
torch::Tensor generator_adversarial_loss(const std::vector<torch::Tensor>& fake);
// Sum over sub-discriminators and layers of mean |real - fake| (real taken as constant).
torch::Tensor feature_matching_loss(const std::vector<std::vector<torch::Tensor>>& real,
                                    const std::vector<std::vector<torch::Tensor>>& fake);

}  // namespace audio_spectrogram
