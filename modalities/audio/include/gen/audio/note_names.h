// Note names as musicians write them: MIDI 60 is "C4", 61 is "C#4", 57 is "A3".
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <gen/export.h>

namespace gen::audio {

// "C4" for 60; sharps for black keys ("C#4"). A gen::UsageError outside MIDI 0..127.
GEN_API std::string note_name(int midi);

// The MIDI number of "C4", "F#4", "Bb3", "a3", "Cb4" (= B3), "E#4" (= F4); letter case
// ignored. A gen::UsageError for anything else or a result outside 0..127.
GEN_API int parse_note_name(std::string_view name);

// The MIDI numbers of the note names written in a free text, in order: a letter A-G (either
// case), an optional sharp or flat ('#', 'b', "♯", "♭") and a one-digit octave, standing
// as a word of its own ("a flute playing an Eb4 note, then G#5" -> {63, 80}). Words that
// only look like one ("A440", "mp3", "b2b") are not notes, nor octave -1 (C-1 .. B-1).
GEN_API std::vector<int> find_note_names(std::string_view text);

// The octave number of a MIDI note in that naming (60 -> 4).
GEN_API int note_octave(int midi);

// Frequency in Hz of a MIDI note (A4 = 69 = 440 Hz, equal temperament).
GEN_API double midi_to_hz(double midi);
GEN_API double hz_to_midi(double hz);

}  // namespace gen::audio
