#include <gen/audio/spectrogram_image.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <gen/audio/mel_filterbank.h>
#include <gen/audio/stft.h>
#include <gen/error.h>
#include <gen/image/image_io.h>

#include "bitmap_font.h"

namespace gen::audio {
namespace {

using Rgb = std::array<uint8_t, 3>;

// matplotlib's maps (Smith & van der Walt, CC0) at t = 0, 0.1, ..., 1.
constexpr uint32_t kMagma[] = {0x000004, 0x140E36, 0x3B0F70, 0x641A80, 0x8C2981, 0xB73779,
                               0xDE4968, 0xF7705C, 0xFE9F6D, 0xFECF92, 0xFCFDBF};
constexpr uint32_t kViridis[] = {0x440154, 0x482576, 0x414487, 0x35608D, 0x2A788E, 0x21908C,
                                 0x22A884, 0x43BF71, 0x7AD151, 0xBBDF27, 0xFDE725};
constexpr int kAnchors = 11;

constexpr Rgb kBackground{255, 255, 255}, kInk{40, 40, 40}, kFrame{110, 110, 110};

// The window: ~32 ms rounded up to a power of two (512 at 16 kHz, 2048 at 44.1/48 kHz).
int64_t window_for(int sample_rate) {
  int64_t n = 256;
  while (n < 0.032 * sample_rate) n *= 2;
  return n;
}

// Below this the picture is black: the floor of the power in dB (silence).
constexpr double kFloorDb = -100;

std::string format_seconds(double t, double step) {
  if (t == 0) return "0";
  const int decimals = step < 0.01 ? 3 : step < 0.1 ? 2 : step < 1 ? 1 : 0;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*fs", decimals, t);
  return buffer;
}

std::string format_hz(double f) {
  char buffer[32];
  if (f < 1000) std::snprintf(buffer, sizeof buffer, "%.0f Hz", f);
  else if (std::fmod(f, 1000) == 0) std::snprintf(buffer, sizeof buffer, "%.0f kHz", f / 1000);
  else std::snprintf(buffer, sizeof buffer, "%.1f kHz", f / 1000);
  return buffer;
}

// The spectrogram in [0, 1] (0 = top_db below the loudest cell), [rows, frames], row 0
// the lowest frequency.
torch::Tensor levels(const Audio& audio, const SpectrogramImageOptions& o, double fmax) {
  // The DFT is twice the window (zero-padded): bins half as wide, so that the narrow low
  // mel filters each still cover a bin, without a longer window blurring time.
  const int64_t window = window_for(audio.sample_rate), n_fft = 2 * window;
  const StftConfig config{n_fft, window / 4, window, Framing::center};
  auto x = to_mono(audio).samples[0];
  // Reflect padding needs more samples than n_fft / 2: short clips are extended with silence.
  if (x.size(0) <= n_fft / 2) x = torch::cat({x, torch::zeros({n_fft / 2 + 1 - x.size(0)}, x.options())});
  const auto power = stft_magnitude(stft(x, config)).square();
  torch::Tensor rows;
  if (o.frequency_scale == FrequencyScale::mel) {
    MelFilterbankConfig fb{static_cast<double>(audio.sample_rate), n_fft, o.n_mels, 0.0, fmax, MelScale::slaney,
                           MelNorm::none};
    rows = torch::matmul(mel_filterbank(fb), power);
  } else {
    const int64_t count = std::min<int64_t>(power.size(0), static_cast<int64_t>(fmax * n_fft / audio.sample_rate) + 1);
    rows = power.narrow(0, 0, count);
  }
  auto db = 10 * torch::log10(torch::clamp_min(rows, std::pow(10.0, kFloorDb / 10)));
  const double top = db.max().item<double>();
  if (top <= kFloorDb + 1e-6) return torch::zeros_like(db);  // silence stays black
  return ((torch::clamp_min(db, top - o.top_db) - (top - o.top_db)) / o.top_db).clamp(0, 1);
}

// `image` [rows, frames] resampled to [height, width]: averaged where there are more
// cells than pixels, interpolated where fewer; flipped so low frequencies end at the bottom.
torch::Tensor fit(const torch::Tensor& image, int height, int width) {
  auto x = image.flip({0}).unsqueeze(0).unsqueeze(0).to(torch::kFloat32);
  const std::vector<int64_t> pooled{std::min<int64_t>(x.size(2), height), std::min<int64_t>(x.size(3), width)};
  const std::vector<int64_t> size{height, width};
  x = at::adaptive_avg_pool2d(x, at::IntArrayRef(pooled));
  x = at::upsample_bilinear2d(x, at::IntArrayRef(size), /*align_corners=*/false);
  return x[0][0].clamp(0, 1).contiguous();
}

// The tick step out of `steps` that leaves at least `min_pixels` between ticks.
double tick_step(const std::vector<double>& steps, double span, double pixels, double min_pixels) {
  for (double s : steps)
    if (s / span * pixels >= min_pixels) return s;
  return steps.back();
}

}  // namespace

std::array<uint8_t, 3> colormap_rgb(ColorMap map, double t) {
  t = std::isfinite(t) ? std::clamp(t, 0.0, 1.0) : 0.0;
  if (map == ColorMap::gray) {
    const auto v = static_cast<uint8_t>(std::lround(t * 255));
    return {v, v, v};
  }
  const uint32_t* table = map == ColorMap::magma ? kMagma : kViridis;
  const double position = t * (kAnchors - 1);
  const int i = std::min(static_cast<int>(position), kAnchors - 2);
  const double f = position - i;
  Rgb out;
  for (int c = 0; c < 3; ++c) {
    const int shift = 16 - 8 * c;
    const double a = (table[i] >> shift) & 0xff, b = (table[i + 1] >> shift) & 0xff;
    out[c] = static_cast<uint8_t>(std::lround(a + (b - a) * f));
  }
  return out;
}

ColorMap parse_colormap(const std::string& name) {
  if (name == "magma") return ColorMap::magma;
  if (name == "viridis") return ColorMap::viridis;
  if (name == "gray" || name == "grey") return ColorMap::gray;
  throw UsageError("unknown colour map '" + name + "'; use magma, viridis or gray");
}

SpectrogramPicture render_spectrogram(const Audio& audio, const SpectrogramImageOptions& o) {
  check_audio(audio);
  if (o.width < 32 || o.height < 32 || o.width > 16384 || o.height > 16384)
    throw UsageError("a spectrogram picture must be 32 to 16384 pixels wide and high, got " + std::to_string(o.width) +
                     "x" + std::to_string(o.height));
  if (!(o.top_db > 0)) throw UsageError("a spectrogram's top_db must be positive");
  if (o.frequency_scale == FrequencyScale::mel && (o.n_mels < 1 || o.n_mels > 1024))
    throw UsageError("a mel spectrogram picture needs 1 to 1024 mels, got " + std::to_string(o.n_mels));
  const double nyquist = audio.sample_rate / 2.0;
  const double fmax = o.fmax > 0 ? o.fmax : nyquist;
  if (fmax > nyquist)
    throw UsageError("a spectrogram's fmax " + std::to_string(fmax) + " Hz is above the Nyquist frequency " +
                     std::to_string(nyquist) + " Hz");

  const int scale = (o.width >= 1200 && o.height >= 600) ? 2 : 1;
  const int tick = 4 * scale, gap = 3 * scale, text_height = detail::kGlyphHeight * scale;
  SpectrogramPicture picture;
  if (o.axes) {
    picture.plot_x = detail::text_width("10.5 kHz", scale) + tick + 2 * gap;
    picture.plot_y = text_height / 2 + gap;
    picture.plot_width = o.width - picture.plot_x - detail::text_width("00.0s", scale) / 2 - gap;
    picture.plot_height = o.height - picture.plot_y - (tick + gap + text_height + gap);
  } else {
    picture.plot_width = o.width;
    picture.plot_height = o.height;
  }
  if (picture.plot_width < 16 || picture.plot_height < 16)
    throw UsageError("a spectrogram picture of " + std::to_string(o.width) + "x" + std::to_string(o.height) +
                     " leaves no room for the plot beside its axes");

  const auto plot = fit(levels(audio, o, fmax), picture.plot_height, picture.plot_width);
  std::vector<uint8_t> pixels(static_cast<size_t>(o.width) * o.height * 3);
  detail::Raster raster{pixels.data(), o.width, o.height};
  for (int y = 0; y < o.height; ++y)
    for (int x = 0; x < o.width; ++x) raster.set(x, y, kBackground);
  const auto level = plot.accessor<float, 2>();
  for (int y = 0; y < picture.plot_height; ++y)
    for (int x = 0; x < picture.plot_width; ++x)
      raster.set(picture.plot_x + x, picture.plot_y + y, colormap_rgb(o.colormap, level[y][x]));

  if (o.axes) {
    const int x0 = picture.plot_x, y0 = picture.plot_y, w = picture.plot_width, h = picture.plot_height;
    for (int x = x0 - 1; x <= x0 + w; ++x) raster.set(x, y0 - 1, kFrame), raster.set(x, y0 + h, kFrame);
    for (int y = y0 - 1; y <= y0 + h; ++y) raster.set(x0 - 1, y, kFrame), raster.set(x0 + w, y, kFrame);

    // Time: seconds from the start, at a step that keeps the labels apart.
    const double duration = std::max<int64_t>(audio.frames(), 1) / static_cast<double>(audio.sample_rate);
    const std::vector<double> steps = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60,
                                       120, 300, 600, 1200, 1800, 3600, 7200};
    const double step = tick_step(steps, duration, w, detail::text_width("00.00s", scale) + 4 * gap);
    for (int i = 0;; ++i) {
      const double t = i * step;
      if (t > duration + 1e-9) break;
      const int x = x0 + static_cast<int>(std::lround(t / duration * (w - 1)));
      for (int d = 1; d <= tick; ++d) raster.set(x, y0 + h + d, kFrame);
      const auto label = format_seconds(t, step);
      const int lx = std::clamp(x - detail::text_width(label, scale) / 2, 0, o.width - detail::text_width(label, scale));
      detail::draw_text(raster, lx, y0 + h + tick + gap, label, scale, kInk);
    }

    // Frequency: where each tick's frequency lies on the rows' scale.
    const bool mel = o.frequency_scale == FrequencyScale::mel;
    auto row_fraction = [&](double f) {
      return mel ? (hz_to_mel(f, MelScale::slaney) - hz_to_mel(0, MelScale::slaney)) /
                       (hz_to_mel(fmax, MelScale::slaney) - hz_to_mel(0, MelScale::slaney))
                 : f / fmax;
    };
    std::vector<double> candidates;
    if (mel) {
      candidates = {0, 100, 200, 300, 500, 1000, 2000, 3000, 4000, 6000, 8000, 12000, 16000, 20000, 24000, 32000, 48000};
    } else {
      const std::vector<double> hz_steps = {50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000};
      const double hz_step = tick_step(hz_steps, fmax, h, text_height + 4 * gap);
      for (double f = 0; f <= fmax + 1e-9; f += hz_step) candidates.push_back(f);
    }
    int last_y = 1 << 30;
    for (double f : candidates) {
      if (f > fmax + 1e-9) break;
      const int y = y0 + h - 1 - static_cast<int>(std::lround(row_fraction(f) * (h - 1)));
      if (last_y - y < text_height + 2 * gap) continue;  // too close to the tick below
      last_y = y;
      for (int d = 1; d <= tick; ++d) raster.set(x0 - 1 - d, y, kFrame);
      const auto label = format_hz(f);
      const int ly = std::clamp(y - text_height / 2, 0, o.height - text_height);
      detail::draw_text(raster, x0 - 1 - tick - gap - detail::text_width(label, scale), ly, label, scale, kInk);
    }
  }
  picture.pixels = torch::from_blob(pixels.data(), {o.height, o.width, 3}, torch::kUInt8).clone();
  return picture;
}

void write_spectrogram_png(const std::filesystem::path& path, const Audio& audio, const SpectrogramImageOptions& options) {
  image::write_png(path, image::Image{render_spectrogram(audio, options).pixels});
}

}  // namespace gen::audio
