#include <gen/audio/griffin_lim.h>

#include <ATen/CPUGeneratorImpl.h>

#include <gen/error.h>

namespace gen::audio {
namespace {

torch::Tensor unit_phase(const torch::Tensor& spectrum) {
  return spectrum / (spectrum.abs() + 1e-16);
}

// The magnitude, resized in time to `frames` (a signal's STFT may have one frame more
// or less than S when its length is not a whole number of hops).
torch::Tensor fit_frames(const torch::Tensor& m, int64_t frames) {
  if (m.size(-1) == frames) return m;
  if (m.size(-1) > frames) return m.narrow(-1, 0, frames);
  auto sizes = m.sizes().vec();
  sizes.back() = frames - m.size(-1);
  return torch::cat({m, torch::zeros(sizes, m.options())}, -1);
}

}  // namespace

torch::Tensor griffin_lim(const torch::Tensor& magnitude, const StftConfig& stft_config, const GriffinLimOptions& options,
                          std::vector<double>* convergence) {
  check_stft_config(stft_config);
  const int64_t bins = stft_config.n_fft / 2 + 1;
  if (!magnitude.defined() || magnitude.is_complex() || magnitude.dim() < 2 || magnitude.dim() > 3 ||
      magnitude.size(-2) != bins || magnitude.size(-1) < 1)
    throw UsageError("griffin_lim needs a real [" + std::to_string(bins) + ", frames] magnitude, got " +
                     (magnitude.defined() ? c10::str(magnitude.sizes()) : std::string("nothing")));
  if (options.iterations < 0 || !(options.momentum >= 0) || options.momentum >= 1)
    throw UsageError("griffin_lim needs iterations >= 0 and 0 <= momentum < 1");
  const auto s = magnitude.to(torch::kFloat32).contiguous();
  if (!torch::isfinite(s).all().item<bool>() || (s < 0).any().item<bool>())
    throw UsageError("griffin_lim needs a finite, non-negative magnitude");
  const int64_t frames = s.size(-1);
  // Iterate at a length that gives exactly `frames` frames, cut to the requested one at the end.
  const int64_t inner_length = stft_signal_length(frames, stft_config);
  const int64_t out_length = options.length >= 0 ? options.length : inner_length;

  torch::Tensor angles;
  if (options.random_init) {
    auto generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
    auto phase = torch::rand(s.sizes(), generator, torch::kFloat32) * (2 * M_PI);
    angles = torch::polar(torch::ones_like(phase), phase);
  } else {
    angles = torch::polar(torch::ones_like(s), torch::zeros_like(s));
  }
  const double alpha = options.momentum / (1 + options.momentum);
  const double norm = s.norm().item<double>();
  torch::Tensor previous = torch::zeros_like(angles);
  for (int i = 0; i < options.iterations; ++i) {
    const auto signal = istft(s * angles, stft_config, inner_length);
    const auto rebuilt = fit_frames(stft(signal, stft_config), frames);
    if (convergence)
      convergence->push_back(norm > 0 ? (s - rebuilt.abs()).norm().item<double>() / norm : 0.0);
    angles = unit_phase(rebuilt - alpha * previous);
    previous = rebuilt;
  }
  return istft(s * angles, stft_config, out_length);
}

double spectral_convergence(const torch::Tensor& magnitude, const torch::Tensor& signal, const StftConfig& stft_config) {
  const auto s = magnitude.to(torch::kFloat64);
  const auto m = fit_frames(stft_magnitude(stft(signal.to(torch::kFloat64), stft_config)), s.size(-1));
  const double norm = s.norm().item<double>();
  return norm > 0 ? (s - m).norm().item<double>() / norm : 0.0;
}

}  // namespace gen::audio
