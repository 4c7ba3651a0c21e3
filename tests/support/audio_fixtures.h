// Test signals for the audio tests: sines, mixtures, and hand-made WAV files.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/types.h>

#include <gen/audio/audio.h>

namespace gen::test {

// amplitude * sin(2 pi f t + phase), t = i / rate, float32 [frames].
inline torch::Tensor sine(double hz, int rate, int64_t frames, double amplitude = 0.5, double phase = 0) {
  auto t = torch::arange(frames, torch::kFloat64) / static_cast<double>(rate);
  return (amplitude * torch::sin(2 * M_PI * hz * t + phase)).to(torch::kFloat32);
}

// A stereo clip with content everywhere in [-1, 1]: two sines and seeded noise per channel.
inline audio::Audio stereo_mixture(int rate, int64_t frames, uint64_t seed = 1) {
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  auto noise = torch::randn({2, frames}, generator, torch::kFloat32) * 0.1;
  auto left = sine(440, rate, frames, 0.4) + sine(1250, rate, frames, 0.2);
  auto right = sine(660, rate, frames, 0.3) + sine(97, rate, frames, 0.25);
  return audio::Audio{(torch::stack({left, right}) + noise).clamp(-1, 1).contiguous(), rate};
}

inline void put_le(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// A RIFF WAVE file written by hand: a "fmt " chunk with the given fields and a data chunk
// holding `data` but declaring `declared_size` bytes (-1: data.size()).
inline std::string wav_file(int format_tag, int channels, uint32_t rate, int bits, const std::string& data,
                            int64_t declared_size = -1) {
  std::string fmt;
  put_le(fmt, static_cast<uint64_t>(format_tag), 2);
  put_le(fmt, static_cast<uint64_t>(channels), 2);
  put_le(fmt, rate, 4);
  put_le(fmt, static_cast<uint64_t>(rate) * channels * (bits / 8), 4);
  put_le(fmt, static_cast<uint64_t>(channels * (bits / 8)), 2);
  put_le(fmt, static_cast<uint64_t>(bits), 2);
  std::string body = "WAVE";
  body += "fmt ";
  put_le(body, fmt.size(), 4);
  body += fmt;
  body += "data";
  put_le(body, static_cast<uint64_t>(declared_size >= 0 ? declared_size : static_cast<int64_t>(data.size())), 4);
  body += data;
  std::string out = "RIFF";
  put_le(out, body.size(), 4);
  return out + body;
}

// `count` 16-bit samples of a ramp, little-endian.
inline std::string pcm16_ramp(int count) {
  std::string out;
  for (int i = 0; i < count; ++i) put_le(out, static_cast<uint16_t>(static_cast<int16_t>((i * 37) % 20000 - 10000)), 2);
  return out;
}

}  // namespace gen::test
