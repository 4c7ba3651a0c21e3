// Note names as musicians write them (modalities/audio): both ways, and found in free text
// the way prompts write them.
#include <gen/audio/note_names.h>
#include <gen/error.h>

#include "test_util.h"

using namespace gen::audio;

TEST(NoteNames, NoteNamesBothWays) {
  EXPECT_EQ(note_name(60), "C4");
  EXPECT_EQ(note_name(61), "C#4");
  EXPECT_EQ(note_name(57), "A3");
  EXPECT_EQ(note_name(84), "C6");
  EXPECT_EQ(parse_note_name("C4"), 60);
  EXPECT_EQ(parse_note_name("F#4"), 66);
  EXPECT_EQ(parse_note_name("Bb3"), 58);
  EXPECT_EQ(parse_note_name("a3"), 57);
  for (int m = 0; m < 128; ++m) EXPECT_EQ(parse_note_name(note_name(m)), m);
  for (const char* bad : {"", "H4", "C", "C#", "C4x", "Cx4", "G9999"}) EXPECT_THROW(parse_note_name(bad), gen::UsageError) << bad;
  EXPECT_THROW(note_name(128), gen::UsageError);
}

TEST(NoteNames, FindsTheNotesAPromptWrites) {
  using V = std::vector<int>;
  EXPECT_EQ(find_note_names("a piano playing a C4 note"), V{60});
  EXPECT_EQ(find_note_names("an A3 note on the violin"), V{57});
  EXPECT_EQ(find_note_names("a loud square wave playing G3, short"), V{55});
  EXPECT_EQ(find_note_names("a flute playing an Eb4 note, then G#5."), (V{63, 80}));
  EXPECT_EQ(find_note_names("bb3 and b3 and Cb4 and E#4"), (V{58, 59, 59, 65}));
  EXPECT_EQ(find_note_names("trumpet (d5)"), V{74});
  EXPECT_EQ(find_note_names("F\u266F4 then B\u266D2"), (V{66, 46}));
  for (int m = 12; m < 128; ++m) EXPECT_EQ(find_note_names("play " + note_name(m) + " now"), V{m}) << note_name(m);
  // Words that only look like notes, and no notes at all.
  for (const char* none : {"", "a drum beat at 86 bpm", "tuned to A440", "an mp3 file", "b2b hits", "C#", "a high note",
                           "C44", "4C", "Ab", "the G-string", "E4x"})
    EXPECT_TRUE(find_note_names(none).empty()) << none;
}
