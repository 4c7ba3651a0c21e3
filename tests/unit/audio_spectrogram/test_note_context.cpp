// The prompt's note names as context rows (note_context.cpp): one pitch code per named
// note in order, zero rows for the slots left, and codes that keep neighbouring notes
// closer than distant ones.
#include <gen/error.h>

#include "audio_spectrogram.h"
#include "test_util.h"

using namespace audio_spectrogram;

TEST(NoteContext, OneRowPerNamedNoteThenZeros) {
  const auto rows = note_context("a flute playing Eb4, then a G#5 note", 3, 128);
  ASSERT_EQ(rows.sizes(), (std::vector<int64_t>{1, 3, 128}));
  EXPECT_TRUE(torch::equal(rows[0][0], pitch_code(63, 128)));
  EXPECT_TRUE(torch::equal(rows[0][1], pitch_code(80, 128)));
  EXPECT_EQ(rows[0][2].abs().sum().item<float>(), 0.0f);
  EXPECT_EQ(note_context("a drum beat at 86 bpm", 2, 16).abs().sum().item<float>(), 0.0f);
  EXPECT_EQ(note_context("", 1, 16).abs().sum().item<float>(), 0.0f);
  // More notes than slots: the first ones.
  EXPECT_TRUE(torch::equal(note_context("C4 D4 E4", 1, 16)[0][0], pitch_code(60, 16)));
  EXPECT_THROW(note_context("C4", 1, 15), gen::Error);
}

TEST(NoteContext, NeighbouringNotesHaveNeighbouringCodes) {
  const auto distance = [](int a, int b) { return (pitch_code(a, 128) - pitch_code(b, 128)).norm().item<double>(); };
  for (int m = 36; m <= 84; ++m) {
    EXPECT_NEAR(pitch_code(m, 128).pow(2).mean().item<double>(), 1.0, 0.1) << m;  // unit mean square
    EXPECT_GT(distance(m, m + 1), 0.5) << "a semitone apart must be told apart";
    EXPECT_LT(distance(m, m + 1), distance(m, m + 12)) << m;
    EXPECT_LT(distance(m, m + 2), distance(m, m + 24)) << m;
  }
  EXPECT_LT(distance(60, 61), distance(60, 72));
}
