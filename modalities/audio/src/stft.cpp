#include <gen/audio/stft.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gen/error.h>

namespace gen::audio {
namespace {

// Below this share of its maximum the summed squared window is treated as zero: only the
// outermost samples of unpadded framing fall under it, where dividing would amplify
// rounding by up to 1e10.
constexpr double kEnvelopeFloor = 1e-8;

std::string sizes_of(const torch::Tensor& t) { return c10::str(t.sizes()); }

// The window as torch.stft applies it: win_length samples centred in n_fft.
torch::Tensor padded_window(const StftConfig& config, torch::Dtype dtype) {
  auto w = torch::zeros({config.n_fft}, dtype);
  const int64_t left = (config.n_fft - config.win_length) / 2;
  w.narrow(0, left, config.win_length).copy_(hann_window(config.win_length, dtype));
  return w;
}

}  // namespace

void check_stft_config(const StftConfig& c) {
  if (c.n_fft < 2 || c.win_length < 1 || c.win_length > c.n_fft || c.hop_length < 1 || c.hop_length > c.win_length)
    throw UsageError("STFT needs 0 < hop <= win_length <= n_fft, got n_fft " + std::to_string(c.n_fft) + ", win_length " +
                     std::to_string(c.win_length) + ", hop " + std::to_string(c.hop_length));
  if (c.framing == Framing::hifigan && (c.n_fft - c.hop_length) % 2 != 0)
    throw UsageError("HiFi-GAN framing pads (n_fft - hop)/2 on each side: n_fft - hop must be even, got " +
                     std::to_string(c.n_fft - c.hop_length));
}

int64_t stft_padding(const StftConfig& c) {
  switch (c.framing) {
    case Framing::center: return c.n_fft / 2;
    case Framing::hifigan: return (c.n_fft - c.hop_length) / 2;
    case Framing::none: return 0;
  }
  return 0;
}

int64_t stft_frame_count(int64_t samples, const StftConfig& c) {
  const int64_t padded = samples + 2 * stft_padding(c);
  return padded < c.n_fft ? 0 : (padded - c.n_fft) / c.hop_length + 1;
}

int64_t stft_signal_length(int64_t frames, const StftConfig& c) {
  if (frames <= 0) return 0;
  switch (c.framing) {
    case Framing::center: return (frames - 1) * c.hop_length;
    case Framing::hifigan: return frames * c.hop_length;
    case Framing::none: return (frames - 1) * c.hop_length + c.n_fft;
  }
  return 0;
}

torch::Tensor hann_window(int64_t length, torch::Dtype dtype) {
  // In double, then rounded once: the same values as torch.hann_window up to float rounding.
  auto n = torch::arange(length, torch::kFloat64);
  return (0.5 - 0.5 * torch::cos(n * (2 * M_PI / static_cast<double>(length)))).to(dtype);
}

torch::Tensor stft(const torch::Tensor& signal, const StftConfig& config) {
  check_stft_config(config);
  if (!signal.defined() || !signal.is_floating_point() || signal.dim() < 1 || signal.dim() > 2)
    throw UsageError("stft needs a float [samples] or [batch, samples] signal, got " +
                     (signal.defined() ? sizes_of(signal) : std::string("nothing")));
  const bool batched = signal.dim() == 2;
  auto x = (batched ? signal : signal.unsqueeze(0)).contiguous();
  if (x.scalar_type() != torch::kFloat64) x = x.to(torch::kFloat32);
  const int64_t length = x.size(1), pad = stft_padding(config);
  if (pad > 0) {
    if (length <= pad)
      throw UsageError("a signal of " + std::to_string(length) + " samples is too short for this STFT: its reflect "
                       "padding of " + std::to_string(pad) + " needs more than " + std::to_string(pad) + " samples");
    x = at::reflection_pad1d(x.unsqueeze(1), {pad, pad}).squeeze(1);
  }
  if (x.size(1) < config.n_fft)
    throw UsageError("a signal of " + std::to_string(length) + " samples is shorter than one STFT frame (" +
                     std::to_string(config.n_fft) + " samples)");
  const auto window = hann_window(config.win_length, x.scalar_type());
  auto spec = at::stft(x, config.n_fft, config.hop_length, config.win_length, window, /*normalized=*/false,
                       /*onesided=*/true, /*return_complex=*/true);
  return batched ? spec : spec.squeeze(0);
}

torch::Tensor istft(const torch::Tensor& spectrum, const StftConfig& config, int64_t length) {
  check_stft_config(config);
  const int64_t bins = config.n_fft / 2 + 1;
  if (!spectrum.defined() || !spectrum.is_complex() || spectrum.dim() < 2 || spectrum.dim() > 3 ||
      spectrum.size(-2) != bins)
    throw UsageError("istft needs a complex [" + std::to_string(bins) + ", frames] or [batch, " + std::to_string(bins) +
                     ", frames] spectrum, got " + (spectrum.defined() ? sizes_of(spectrum) : std::string("nothing")));
  const bool batched = spectrum.dim() == 3;
  auto s = batched ? spectrum : spectrum.unsqueeze(0);
  const int64_t frames = s.size(2), batch = s.size(0);
  if (length < 0) length = stft_signal_length(frames, config);
  const auto real_type = s.scalar_type() == torch::kComplexDouble ? torch::kFloat64 : torch::kFloat32;
  if (frames == 0) {
    auto empty = torch::zeros({batch, length}, real_type);
    return batched ? empty : empty.squeeze(0);
  }
  const auto window = padded_window(config, real_type);
  // [B, n_fft, frames]: each column one windowed frame, then summed where frames overlap.
  auto columns = at::fft_irfft(s.transpose(1, 2), config.n_fft, -1).mul(window).transpose(1, 2).contiguous();
  const int64_t total = config.n_fft + config.hop_length * (frames - 1);
  const std::vector<int64_t> out_size{1, total}, kernel{1, config.n_fft}, dilation{1, 1}, padding{0, 0},
      stride{1, config.hop_length};
  auto y = at::col2im(columns, out_size, kernel, dilation, padding, stride).reshape({batch, total});
  auto squares = window.square().unsqueeze(1).expand({config.n_fft, frames}).unsqueeze(0).contiguous();
  auto envelope = at::col2im(squares, out_size, kernel, dilation, padding, stride).reshape({total});
  const auto usable = envelope > envelope.max() * kEnvelopeFloor;
  y = torch::where(usable, y / torch::where(usable, envelope, torch::ones_like(envelope)), y);
  const int64_t start = stft_padding(config);
  const int64_t available = std::max<int64_t>(0, std::min(length, total - start));
  auto out = torch::zeros({batch, length}, real_type);
  if (available > 0) out.narrow(1, 0, available).copy_(y.narrow(1, start, available));
  return batched ? out : out.squeeze(0);
}

torch::Tensor stft_magnitude(const torch::Tensor& spectrum, double eps) {
  if (!spectrum.defined() || !spectrum.is_complex())
    throw UsageError("stft_magnitude needs a complex spectrum");
  auto ri = torch::view_as_real(spectrum);
  auto power = ri.select(-1, 0).square() + ri.select(-1, 1).square();
  return eps > 0 ? torch::sqrt(power + eps) : torch::sqrt(power);
}

}  // namespace gen::audio
