// Each latent column's pitch as input channels (frequency_code.cpp): the code of a column
// is the note code of the pitch its mel bands cover, so the columns read as rising notes,
// and the channels go after the latent unchanged.
#include <gen/error.h>

#include "audio_spectrogram.h"
#include "test_util.h"

using namespace audio_spectrogram;

namespace {

// The MIDI number (30..127) whose pitch code is nearest a column's code.
int nearest_note(const torch::Tensor& column_code) {
  int best = 0;
  double best_distance = 1e30;
  for (int m = 30; m <= 127; ++m) {
    const double d = (pitch_code(m, column_code.size(0)) - column_code).norm().item<double>();
    if (d < best_distance) best = m, best_distance = d;
  }
  return best;
}

}  // namespace

TEST(FrequencyCode, ColumnsReadAsTheNotesTheirMelBandsCover) {
  const MelGeometry g;  // AudioLDM's: 16 kHz, 64 Slaney bands 0-8 kHz, 4 bands a column
  const auto code = frequency_code(g, 16);
  ASSERT_EQ(code.sizes(), torch::IntArrayRef({1, 16, 1, 16}));
  // Below 1 kHz Slaney's mel is linear: 66 corners over 0..45.25 mel put band i's centre at
  // (i + 1) x 46.4 Hz, so column 1 (bands 4-7) centres on 302 Hz (MIDI 62.5, between D4 and
  // Eb4) and column 2 (bands 8-11) on 487 Hz (70.8, B4).
  EXPECT_NEAR(nearest_note(code[0].select(2, 1).select(1, 0)), 62.5, 1.0);
  EXPECT_EQ(nearest_note(code[0].select(2, 2).select(1, 0)), 71);
  int previous = 0;
  for (int64_t j = 0; j < 16; ++j) {
    const int note = nearest_note(code[0].select(2, j).select(1, 0));
    EXPECT_GT(note, previous) << "column " << j;
    previous = note;
  }
}

TEST(FrequencyCode, ChannelsFollowTheLatentUnchanged) {
  const MelGeometry g;
  const auto code = frequency_code(g, 4);
  const auto x = torch::randn({2, 8, 5, 16});
  const auto both = with_frequency_code(x, code);
  ASSERT_EQ(both.sizes(), torch::IntArrayRef({2, 12, 5, 16}));
  EXPECT_TRUE(torch::equal(both.narrow(1, 0, 8), x));
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t row = 0; row < 5; ++row) EXPECT_TRUE(torch::equal(both[b].narrow(0, 8, 4).select(1, row), code[0].select(1, 0)));
  EXPECT_TRUE(torch::equal(with_frequency_code(x, torch::Tensor()), x));
  EXPECT_THROW(with_frequency_code(torch::randn({1, 8, 5, 8}), code), gen::Error);
  EXPECT_THROW(frequency_code(g, 3), gen::Error);
  EXPECT_THROW(frequency_code(g, 0), gen::Error);
  EXPECT_THROW(frequency_code(g, kMaxFrequencyCode + 2), gen::Error);
}
