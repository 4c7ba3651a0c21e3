#include <gen/audio/note_names.h>

#include <cctype>
#include <cmath>

#include <gen/error.h>

namespace gen::audio {

namespace {
const char* const kSharpNames[12] = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};
// Semitones above C of the natural letters A..G.
const int kLetterSemitone[7] = {9, 11, 0, 2, 4, 5, 7};
}  // namespace

std::vector<int> find_note_names(std::string_view text) {
  const auto alnum = [&](size_t i) { return i < text.size() && std::isalnum(static_cast<unsigned char>(text[i])); };
  std::vector<int> notes;
  for (size_t i = 0; i < text.size(); ++i) {
    const char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    if (letter < 'A' || letter > 'G' || (i > 0 && alnum(i - 1))) continue;
    int semitone = kLetterSemitone[letter - 'A'];
    size_t j = i + 1;
    if (text.substr(j, 1) == "#") semitone += 1, j += 1;
    else if (text.substr(j, 3) == "\u266F") semitone += 1, j += 3;
    else if (text.substr(j, 3) == "\u266D") semitone -= 1, j += 3;
    else if (text.substr(j, 1) == "b" && j + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[j + 1])))
      semitone -= 1, j += 1;
    if (j >= text.size() || !std::isdigit(static_cast<unsigned char>(text[j])) || alnum(j + 1)) continue;
    const int midi = (text[j] - '0' + 1) * 12 + semitone;
    if (midi >= 0 && midi <= 127) notes.push_back(midi);
    i = j;
  }
  return notes;
}

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

}  // namespace gen::audio
