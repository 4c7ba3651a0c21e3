#include <gen/sounds/note_names.h>

#include <cctype>
#include <cmath>

#include <gen/error.h>

namespace gen::sounds {

namespace {
const char* const kSharpNames[12] = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};
// Semitones above C of the natural letters A..G.
const int kLetterSemitone[7] = {9, 11, 0, 2, 4, 5, 7};
}  // namespace

int note_octave(int midi) { return midi / 12 - 1; }

std::string note_name(int midi) {
  if (midi < 0 || midi > 127) throw UsageError("MIDI note " + std::to_string(midi) + " is outside 0..127");
  return kSharpNames[midi % 12] + std::to_string(note_octave(midi));
}

int parse_note_name(std::string_view name) {
  const auto bad = [&] { return UsageError("'" + std::string(name) + "' is not a note name (e.g. C4, F#4, Bb3)"); };
  if (name.size() < 2) throw bad();
  const char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  if (letter < 'A' || letter > 'G') throw bad();
  int semitone = kLetterSemitone[letter - 'A'];
  size_t i = 1;
  if (name[i] == '#') semitone += 1, ++i;
  else if (name[i] == 'b') semitone -= 1, ++i;
  if (i >= name.size()) throw bad();
  bool negative = false;
  if (name[i] == '-') negative = true, ++i;
  if (i >= name.size() || i + 2 < name.size()) throw bad();
  int octave = 0;
  for (; i < name.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) throw bad();
    octave = octave * 10 + (name[i] - '0');
  }
  if (negative) octave = -octave;
  const int midi = (octave + 1) * 12 + semitone;
  if (midi < 0 || midi > 127) throw bad();
  return midi;
}

double midi_to_hz(double midi) { return 440.0 * std::pow(2.0, (midi - 69.0) / 12.0); }
double hz_to_midi(double hz) { return 69.0 + 12.0 * std::log2(hz / 440.0); }

}  // namespace gen::sounds
