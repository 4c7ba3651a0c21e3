// Spectrogram pictures (size, where a tone appears, colour maps) and the writers the
// generation host picks for audio samples (.wav .flac .ogg .png).
#include <gtest/gtest.h>

#include <gen/audio/audio_formats.h>
#include <gen/audio/audio_io.h>
#include <gen/audio/mel_filterbank.h>
#include <gen/audio/spectrogram_image.h>
#include <gen/error.h>
#include <gen/image/image_io.h>

#include "audio_fixtures.h"
#include "test_util.h"

using namespace gen::audio;
using gen::test::sine;

namespace {

// The picture row where column x of the plot is brightest (magma rises in brightness).
int brightest_row(const SpectrogramPicture& p, int x) {
  const auto column = p.pixels.narrow(0, p.plot_y, p.plot_height).select(1, p.plot_x + x).to(torch::kInt32).sum(1);
  return p.plot_y + static_cast<int>(column.argmax().item<int64_t>());
}

gen::Sample audio_sample(const torch::Tensor& data, int rate) {
  gen::Sample s;
  s.data = data;
  s.metadata = {{"sample_rate", rate}};
  return s;
}

}  // namespace

TEST(SpectrogramPicture, PictureHasTheRequestedSizeAndAxes) {
  gen::test::TempDir dir;
  const Audio clip{sine(1000, 16000, 16000).unsqueeze(0), 16000};
  SpectrogramImageOptions o;
  o.width = 640;
  o.height = 320;
  write_spectrogram_png(dir / "s.png", clip, o);
  const auto image = gen::image::read_image(dir / "s.png");
  EXPECT_EQ(image.width(), 640);
  EXPECT_EQ(image.height(), 320);
  EXPECT_EQ(image.channels(), 3);

  const auto p = render_spectrogram(clip, o);
  EXPECT_TRUE(torch::equal(p.pixels, image.pixels));
  EXPECT_GT(p.plot_x, 0);                       // room for the frequency labels
  EXPECT_LT(p.plot_y + p.plot_height, 320 - 8);  // and for the time labels
  // Left of the plot and below it there is ink (labels), not only background.
  const auto labels = p.pixels.narrow(1, 0, p.plot_x - 2);
  EXPECT_GT((labels.sum(2) < 300).sum().item<int64_t>(), 50);
  const auto time_labels = p.pixels.narrow(0, p.plot_y + p.plot_height + 2, 320 - p.plot_y - p.plot_height - 2);
  EXPECT_GT((time_labels.sum(2) < 300).sum().item<int64_t>(), 30);

  o.axes = false;
  const auto bare = render_spectrogram(clip, o);
  EXPECT_EQ(bare.plot_width, 640);
  EXPECT_EQ(bare.plot_height, 320);
  o.width = 20;
  EXPECT_THROW(render_spectrogram(clip, o), gen::UsageError);
}

TEST(SpectrogramPicture, ToneAppearsAtItsFrequency) {
  for (double hz : {500.0, 1000.0, 3000.0}) {
    for (auto scale : {FrequencyScale::mel, FrequencyScale::linear}) {
      const Audio clip{sine(hz, 16000, 16000).unsqueeze(0), 16000};
      SpectrogramImageOptions o;
      o.frequency_scale = scale;
      const auto p = render_spectrogram(clip, o);
      const double fraction = scale == FrequencyScale::mel
                                  ? hz_to_mel(hz, MelScale::slaney) / hz_to_mel(8000, MelScale::slaney)
                                  : hz / 8000;
      const int expected = p.plot_y + p.plot_height - 1 - static_cast<int>(std::lround(fraction * (p.plot_height - 1)));
      EXPECT_NEAR(brightest_row(p, p.plot_width / 2), expected, 4) << hz << " Hz, scale " << static_cast<int>(scale);
    }
  }
}

TEST(SpectrogramPicture, SilenceAndShortClipsDraw) {
  const auto silent = render_spectrogram(Audio{torch::zeros({2, 100}), 8000});
  EXPECT_EQ(silent.pixels.size(0), 400);
  const auto empty = render_spectrogram(Audio{torch::zeros({1, 0}), 8000});
  EXPECT_EQ(empty.pixels.size(1), 800);
}

TEST(SpectrogramPicture, ColourMaps) {
  const auto m0 = colormap_rgb(ColorMap::magma, 0), m1 = colormap_rgb(ColorMap::magma, 1);
  EXPECT_EQ(m0, (std::array<uint8_t, 3>{0, 0, 4}));
  EXPECT_EQ(m1, (std::array<uint8_t, 3>{252, 253, 191}));
  EXPECT_EQ(colormap_rgb(ColorMap::viridis, 0.5), (std::array<uint8_t, 3>{0x21, 0x90, 0x8c}));
  EXPECT_EQ(colormap_rgb(ColorMap::gray, 2.0), (std::array<uint8_t, 3>{255, 255, 255}));
  // Brightness rises along magma (what makes loud cells stand out).
  int last = -1;
  for (int i = 0; i <= 20; ++i) {
    const auto c = colormap_rgb(ColorMap::magma, i / 20.0);
    const int sum = c[0] + c[1] + c[2];
    EXPECT_GT(sum, last) << i;
    last = sum;
  }
  EXPECT_EQ(parse_colormap("viridis"), ColorMap::viridis);
  EXPECT_THROW(parse_colormap("jet"), gen::UsageError);
}

TEST(AudioFormats, HostWritesEveryFormatFromASample) {
  gen::OutputFormats formats;
  add_audio_formats(formats);
  gen::test::TempDir dir;
  const auto data = torch::stack({sine(440, 22050, 4410), sine(660, 22050, 4410)});
  auto sample = audio_sample(data, 22050);
  sample.text["parameters"] = "a flute playing an A4 note, seed 7";
  sample.text["unrelated"] = "kept out of the file";
  for (const char* name : {"a.wav", "a.flac", "a.ogg"}) {
    const auto* writer = formats.find(dir / name, gen::Modality::audio);
    ASSERT_NE(writer, nullptr) << name;
    (*writer)(dir / name, data, sample);
    AudioFileInfo info;
    const auto back = read_audio(dir / name, {}, &info);
    EXPECT_EQ(back.sample_rate, 22050) << name;
    EXPECT_EQ(back.samples.sizes(), data.sizes()) << name;
    EXPECT_EQ(info.text["comment"], "a flute playing an A4 note, seed 7") << name;
  }
  // The sample's format choice; FLAC keeps float requests at 24 bits.
  sample.metadata["sample_format"] = "float";
  for (const char* name : {"f.wav", "f.flac"}) {
    (*formats.find(dir / name, gen::Modality::audio))(dir / name, data, sample);
    AudioFileInfo info;
    read_audio(dir / name, {}, &info);
    EXPECT_EQ(info.encoding, std::string(name) == "f.wav" ? "float32" : "pcm24");
  }
  // .png: the spectrogram picture.
  (*formats.find(dir / "a.png", gen::Modality::audio))(dir / "a.png", data, sample);
  const auto image = gen::image::read_image(dir / "a.png");
  EXPECT_EQ(image.width(), 800);
  EXPECT_EQ(image.height(), 400);
  // Audio formats are audio's only.
  EXPECT_EQ(formats.find(dir / "a.wav", gen::Modality::motion), nullptr);
}

TEST(AudioFormats, SamplesAreChecked) {
  const auto data = sine(440, 16000, 1600).unsqueeze(0);
  gen::Sample no_rate;
  EXPECT_EQ(audio_from_sample(data, no_rate).sample_rate, kDefaultSampleRate);
  EXPECT_THROW(audio_from_sample(torch::zeros({4, 4, 3}, torch::kUInt8), no_rate), gen::Error);
  auto nan = data.clone();
  nan[0][5] = NAN;
  EXPECT_THROW(audio_from_sample(nan, no_rate), gen::Error);
  EXPECT_THROW(audio_from_sample(data, audio_sample(data, 5)), gen::Error);
  auto odd = audio_sample(data, 16000);
  odd.metadata["sample_rate"] = "fast";
  EXPECT_THROW(audio_from_sample(data, odd), gen::Error);
  odd.metadata["sample_rate"] = 16000;
  odd.metadata["sample_format"] = "pcm12";
  gen::OutputFormats formats;
  add_audio_formats(formats);
  gen::test::TempDir dir;
  EXPECT_THROW((*formats.find(dir / "x.wav", gen::Modality::audio))(dir / "x.wav", data, odd), gen::Error);
}
