// A 5x7 pixel font for axis labels: the characters of numbers and units only ("0-9 . - k
// H z s" and space), drawn from this file's own glyph table so that pictures need no font
// library. Each glyph advances 6 pixels (times the scale).
#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace gen::audio::detail {

// An RGB raster the label code draws on: width * height * 3 bytes, row-major.
struct Raster {
  uint8_t* pixels;
  int width, height;
  void set(int x, int y, const std::array<uint8_t, 3>& rgb) {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    uint8_t* p = pixels + (static_cast<size_t>(y) * width + x) * 3;
    p[0] = rgb[0], p[1] = rgb[1], p[2] = rgb[2];
  }
};

constexpr int kGlyphWidth = 5, kGlyphHeight = 7, kGlyphAdvance = 6;

// Pixels `text` occupies horizontally at `scale` (no trailing gap).
int text_width(const std::string& text, int scale);

// Draws `text` with its top-left corner at (x, y); characters outside the font are blank.
void draw_text(Raster& raster, int x, int y, const std::string& text, int scale, const std::array<uint8_t, 3>& rgb);

}  // namespace gen::audio::detail
