// A picture of a sound: its spectrogram in decibels through a perceptual colour map,
// with a time axis (seconds) and a frequency axis (Hz), as people look at sound.
//   power  |STFT|^2 of the mono mixdown: Hann window of ~32 ms (a power of two),
//          hop a quarter of it, DFT zero-padded to twice the window, centre framing
//   rows   mel (default: the Slaney scale, 128 filters of peak 1) or the linear bins,
//          from 0 to fmax, low frequencies at the bottom
//   colour 10 log10(power), the loudest cell at the top of the map, `top_db` below
//          it at the bottom (silence: the bottom everywhere)
// Cells are averaged down or interpolated up to the plot's pixels.
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

#include <torch/types.h>

#include <gen/audio/audio.h>
#include <gen/export.h>

namespace gen::audio {

enum class ColorMap { magma, viridis, gray };
enum class FrequencyScale { mel, linear };

struct SpectrogramImageOptions {
  int width = 800;    // the whole picture, axes included
  int height = 400;
  ColorMap colormap = ColorMap::magma;
  FrequencyScale frequency_scale = FrequencyScale::mel;
  int64_t n_mels = 128;
  double fmax = 0;     // <= 0: sample_rate / 2
  double top_db = 80;  // the range of the colour map
  bool axes = true;    // false: the plot fills the picture
};

struct SpectrogramPicture {
  torch::Tensor pixels;  // uint8 [height, width, 3]
  // Where the plot lies in the picture (for callers that draw on it, and for tests).
  int plot_x = 0, plot_y = 0, plot_width = 0, plot_height = 0;
};

// The colour of t in [0, 1] (clamped): matplotlib's magma and viridis (the published
// maps, sampled at 11 points and interpolated linearly) or gray.
GEN_API std::array<uint8_t, 3> colormap_rgb(ColorMap map, double t);

// "magma", "viridis", "gray"; a gen::UsageError otherwise.
GEN_API ColorMap parse_colormap(const std::string& name);

// A gen::UsageError when the picture is too small for its plot (under 32 x 32 pixels).
GEN_API SpectrogramPicture render_spectrogram(const Audio& audio, const SpectrogramImageOptions& options = {});

// render_spectrogram as a PNG, written atomically.
GEN_API void write_spectrogram_png(const std::filesystem::path& path, const Audio& audio,
                                   const SpectrogramImageOptions& options = {});

}  // namespace gen::audio
