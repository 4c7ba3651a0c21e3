// The HiFi-GAN generator as transformers' SpeechT5HifiGan (the vocoder of SpeechT5 and of
// diffusers' AudioLDM pipelines): a log-mel spectrogram [B, frames, model_in_dim] becomes a
// waveform [B, frames * prod(upsample_rates)] in [-1, 1]. Registered parameter and buffer
// names are transformers' (conv_pre, upsampler.i, resblocks.j.convs1.k, conv_post, mean,
// scale), so a transformers model.safetensors loads name for name. The forward pass:
//   x = normalize_before ? (mel - mean) / scale : mel;  h = conv_pre(x^T)
//   per level i: h = upsampler[i](leaky_relu(h, slope)); h = mean over k of resblocks[i*K + k](h)
//   wave = tanh(conv_post(leaky_relu(h, 0.01)))        (PyTorch's default slope, as transformers)
// A resblock repeats, per dilation d: h += conv2(leaky_relu(conv1_d(leaky_relu(h)))).
#pragma once
#include <filesystem>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/types.h>

#include <gen/export.h>
#include <gen/nn/state_dict.h>

namespace gen::nn {

// What tensor shapes cannot reveal about a vocoder (for a weights file without config.json).
// The defaults are AudioLDM's vocoder (cvssp/audioldm* vocoder/config.json).
struct HifiGanHints {
  std::vector<int64_t> upsample_rates{5, 4, 2, 2, 2};
  std::vector<std::vector<int64_t>> resblock_dilation_sizes{{1, 3, 5}, {1, 3, 5}, {1, 3, 5}};
  double leaky_relu_slope = 0.1;
  bool normalize_before = false;  // SpeechT5's vocoder: true (its mean/scale buffers are stored either way)
  int64_t sampling_rate = 16000;
};

// transformers' SpeechT5HifiGanConfig: same keys, same defaults (SpeechT5's vocoder).
struct GEN_API HifiGanConfig {
  int64_t model_in_dim = 80;  // mel bands
  int64_t sampling_rate = 16000;
  int64_t upsample_initial_channel = 512;
  std::vector<int64_t> upsample_rates{4, 4, 4, 4};
  std::vector<int64_t> upsample_kernel_sizes{8, 8, 8, 8};
  std::vector<int64_t> resblock_kernel_sizes{3, 7, 11};
  std::vector<std::vector<int64_t>> resblock_dilation_sizes{{1, 3, 5}, {1, 3, 5}, {1, 3, 5}};
  double leaky_relu_slope = 0.1;
  bool normalize_before = true;

  // Samples per spectrogram frame: the product of the upsample rates.
  int64_t hop_length() const;
  // Output length for `frames` input frames: each ConvTranspose1d gives (L-1)u - 2((k-u)/2) + k,
  // which is L*u only when k - u is even.
  int64_t output_length(int64_t frames) const;
  // Width after upsampler i (and of its resblocks): upsample_initial_channel / 2^(i+1).
  int64_t channels(size_t level) const;
  // Throws gen::ModelError for inconsistent or impossible values.
  void validate() const;

  static HifiGanConfig from_json(const nlohmann::json& j);
  static HifiGanConfig from_json_file(const std::filesystem::path& path);  // unreadable: gen::InputError
  nlohmann::json to_json() const;  // transformers' config.json (model_type "hifigan")
  // model_in_dim and upsample_initial_channel from conv_pre, upsampler kernels and count,
  // resblock kernels and their number per level from the weights; rates, dilations (their
  // count must match convs1.*), slope, normalize_before and sampling rate from `hints`.
  static HifiGanConfig detect_from_weights(const ShapeMap& shapes, const HifiGanHints& hints = {});
};

// transformers' HifiGanResidualBlock: convs1.k (dilation d_k) and convs2.k (dilation 1).
class GEN_API HifiGanResidualBlockImpl : public torch::nn::Module {
 public:
  HifiGanResidualBlockImpl(int64_t channels, int64_t kernel_size, const std::vector<int64_t>& dilations,
                           double leaky_relu_slope);
  torch::Tensor forward(torch::Tensor x);

  torch::nn::ModuleList convs1{nullptr}, convs2{nullptr};

 private:
  double slope_;
};
TORCH_MODULE(HifiGanResidualBlock);

class GEN_API SpeechT5HifiGanImpl : public torch::nn::Module {
 public:
  explicit SpeechT5HifiGanImpl(const HifiGanConfig& config);

  // spectrogram [B, frames, model_in_dim] (time-major, as AudioLDM's VAE decodes it) ->
  // [B, output_length(frames)]; an unbatched [frames, model_in_dim] gives [output_length].
  torch::Tensor forward(const torch::Tensor& spectrogram);

  const HifiGanConfig& config() const { return config_; }

  torch::nn::Conv1d conv_pre{nullptr}, conv_post{nullptr};
  torch::nn::ModuleList upsampler{nullptr}, resblocks{nullptr};
  torch::Tensor mean, scale;  // buffers [model_in_dim], used when normalize_before

 private:
  torch::Tensor upsample_level(size_t level, const torch::Tensor& x);
  HifiGanConfig config_;
};
TORCH_MODULE(SpeechT5HifiGan);

// A vocoder from a transformers folder (config.json + model.safetensors) or one
// .safetensors file (a sibling config.json when there is one, else detect_from_weights with
// `hints`). Weight-normalised checkpoints are folded on load: `X.weight_g` / `X.weight_v`
// (torch.nn.utils.weight_norm) and `X.parametrizations.weight.original0` / `original1`
// (the parametrize API) become `X.weight = g * v / ||v||` (norm over all but dim 0).
// A missing file is a gen::InputError; a missing, unexpected or misshapen tensor a
// gen::ModelError naming it. Returned in eval mode, float32.
GEN_API SpeechT5HifiGan load_hifigan(const std::filesystem::path& path, const HifiGanHints& hints = {});

}  // namespace gen::nn
