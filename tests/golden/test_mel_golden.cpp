// The audio front end against ../shared/golden/mel (README section 8): the periodic Hann
// window, the Slaney and HTK filterbanks (transformers' mel_filter_bank = librosa's),
// STFT magnitudes and log-mels in HiFi-GAN framing (jik876/hifi-gan meldataset.py) and
// centre framing (haoheliu/AudioLDM stft.py), for four waveforms whose lengths are not
// multiples of the hop. Tolerance: |got - want| <= 1e-5 + 1e-5 |want| for every tensor.
#include <gtest/gtest.h>

#include <iostream>

#include <gen/audio/log_mel.h>
#include <gen/audio/mel_filterbank.h>
#include <gen/audio/stft.h>

#include "nn_golden_util.h"
#include "test_util.h"

namespace {

using gen::test::all_close;
using gen::test::io_at;
using gen::test::read_json;
using namespace gen::audio;

constexpr double kAtol = 1e-5, kRtol = 1e-5;
const char* const kWaves[] = {"chirp", "noise", "click", "silence"};

// Prints the errors the report quotes; the pass/fail decision is all_close's.
void print_error(const std::string& what, const torch::Tensor& got, const torch::Tensor& want) {
  if (got.sizes() != want.sizes()) return;
  auto diff = (got.to(torch::kFloat64) - want.to(torch::kFloat64)).abs();
  const double used = (diff / (kAtol + kRtol * want.to(torch::kFloat64).abs())).max().item<double>();
  std::cout << "[mel] " << what << ": max abs error " << diff.max().item<double>()
            << ", worst |diff| / (atol + rtol |want|) = " << used << "\n";
}

::testing::AssertionResult matches(const std::string& what, const torch::Tensor& got, const torch::Tensor& want) {
  print_error(what, got, want);
  return all_close(got, want, kAtol, kRtol);
}

class MelGolden : public ::testing::Test {
 protected:
  void SetUp() override {
    info = read_json(gen::test::golden_dir() / "mel" / "info.json");
    io = gen::test::load_io("mel");
  }
  // The config the vectors were made with, read from info.json rather than assumed.
  LogMelConfig config(Framing framing, double eps, MelScale scale, MelNorm norm) const {
    const auto& c = info.at("config");
    LogMelConfig m;
    m.sample_rate = c.at("sr").get<int>();
    m.stft = StftConfig{c.at("n_fft").get<int64_t>(), c.at("hop").get<int64_t>(), c.at("win_length").get<int64_t>(),
                        framing};
    m.n_mels = c.at("n_mels").get<int64_t>();
    m.fmin = c.at("fmin").get<double>();
    m.fmax = c.at("fmax").get<double>();
    m.scale = scale;
    m.norm = norm;
    m.magnitude_eps = eps;
    return m;
  }
  nlohmann::json info;
  std::map<std::string, torch::Tensor> io;
};

TEST_F(MelGolden, ThePresetsAreTheRecipesAtAudioLdmSettings) {
  const auto h = hifigan_log_mel(), a = audioldm_log_mel();
  const auto want_h = config(Framing::hifigan, 1e-9, MelScale::slaney, MelNorm::slaney);
  const auto want_a = config(Framing::center, 0, MelScale::slaney, MelNorm::slaney);
  for (const auto& [got, want] : {std::pair{h, want_h}, std::pair{a, want_a}}) {
    EXPECT_EQ(got.sample_rate, want.sample_rate);
    EXPECT_EQ(got.stft.n_fft, want.stft.n_fft);
    EXPECT_EQ(got.stft.hop_length, want.stft.hop_length);
    EXPECT_EQ(got.stft.win_length, want.stft.win_length);
    EXPECT_EQ(got.stft.framing, want.stft.framing);
    EXPECT_EQ(got.n_mels, want.n_mels);
    EXPECT_EQ(got.fmin, want.fmin);
    EXPECT_EQ(got.fmax, want.fmax);
    EXPECT_EQ(got.magnitude_eps, want.magnitude_eps);
    EXPECT_EQ(got.clip, 1e-5);
  }
}

TEST_F(MelGolden, HannWindow) {
  const auto& want = io_at(io, "window");
  EXPECT_TRUE(matches("window", hann_window(want.size(0)), want));
}

TEST_F(MelGolden, SlaneyFilterbank) {
  const auto fb = mel_filterbank(filterbank_config(config(Framing::hifigan, 0, MelScale::slaney, MelNorm::slaney)));
  EXPECT_TRUE(matches("mel_basis", fb, io_at(io, "mel_basis")));
}

TEST_F(MelGolden, HtkFilterbankWithoutNorm) {
  const auto fb = mel_filterbank(filterbank_config(config(Framing::hifigan, 0, MelScale::htk, MelNorm::none)));
  EXPECT_TRUE(matches("mel_basis_htk", fb, io_at(io, "mel_basis_htk")));
}

TEST_F(MelGolden, HifiGanFraming) {
  const LogMel front(config(Framing::hifigan, 1e-9, MelScale::slaney, MelNorm::slaney));
  const LogMel htk(config(Framing::hifigan, 1e-9, MelScale::htk, MelNorm::none));
  for (const std::string w : kWaves) {
    SCOPED_TRACE(w);
    const auto& wave = io_at(io, w + ".waveform");
    const auto frames = info.at("frames").at(w).at("frames").get<int64_t>();
    EXPECT_EQ(stft_frame_count(wave.size(0), front.config().stft), frames);
    EXPECT_TRUE(matches(w + ".magnitude", front.magnitude(wave), io_at(io, w + ".magnitude")));
    EXPECT_TRUE(matches(w + ".logmel", front(wave), io_at(io, w + ".logmel")));
    EXPECT_TRUE(matches(w + ".logmel_htk", htk(wave), io_at(io, w + ".logmel_htk")));
  }
}

TEST_F(MelGolden, CenterFraming) {
  const LogMel front(config(Framing::center, 0, MelScale::slaney, MelNorm::slaney));
  for (const std::string w : kWaves) {
    SCOPED_TRACE(w);
    const auto& wave = io_at(io, w + ".waveform");
    const auto frames = info.at("frames").at(w).at("frames_center").get<int64_t>();
    EXPECT_EQ(stft_frame_count(wave.size(0), front.config().stft), frames);
    EXPECT_TRUE(matches(w + ".magnitude_center", front.magnitude(wave), io_at(io, w + ".magnitude_center")));
    EXPECT_TRUE(matches(w + ".logmel_center", front(wave), io_at(io, w + ".logmel_center")));
  }
}

TEST_F(MelGolden, BatchedEqualsOneByOne) {
  // A batch of the two longest waves cut to one length gives each wave's own log-mel.
  const LogMel front(config(Framing::hifigan, 1e-9, MelScale::slaney, MelNorm::slaney));
  const auto a = io_at(io, "chirp.waveform").narrow(0, 0, 5003), b = io_at(io, "noise.waveform");
  const auto batch = front(torch::stack({a, b}));
  EXPECT_TRUE(all_close(batch[0], front(a), 1e-6, 1e-6));
  EXPECT_TRUE(all_close(batch[1], io_at(io, "noise.logmel"), kAtol, kRtol));
}

}  // namespace
