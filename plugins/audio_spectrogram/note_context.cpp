// The note names of a prompt as context rows of pitch codes (audio_spectrogram.h says why).
#include <gen/audio/note_names.h>
#include <gen/error.h>

#include <cmath>

#include "audio_spectrogram.h"

namespace audio_spectrogram {

torch::Tensor pitch_code(int midi, int64_t width) {
  if (width < 2 || width % 2 != 0) throw gen::Error("audio_spectrogram: a pitch code needs an even width");
  const int64_t pairs = width / 2;
  // Periods from 3 semitones (neighbouring notes clearly apart) to 384 (the whole MIDI
  // range one smooth slope); sqrt(2) gives each entry unit mean square, as the
  // layer-normed token states beside it have.
  std::vector<float> code(static_cast<size_t>(width));
  for (int64_t k = 0; k < pairs; ++k) {
    const double period = 3.0 * std::pow(128.0, pairs > 1 ? static_cast<double>(k) / (pairs - 1) : 0.0);
    const double angle = 2 * M_PI * midi / period;
    code[static_cast<size_t>(2 * k)] = static_cast<float>(std::sqrt(2.0) * std::sin(angle));
    code[static_cast<size_t>(2 * k + 1)] = static_cast<float>(std::sqrt(2.0) * std::cos(angle));
  }
  return torch::tensor(code);
}

torch::Tensor note_context(const std::string& prompt, int64_t slots, int64_t width) {
  auto rows = torch::zeros({1, slots, width});
  const auto notes = gen::audio::find_note_names(prompt);
  for (int64_t k = 0; k < slots && k < static_cast<int64_t>(notes.size()); ++k) rows[0][k] = pitch_code(notes[k], width);
  return rows;
}

}  // namespace audio_spectrogram
