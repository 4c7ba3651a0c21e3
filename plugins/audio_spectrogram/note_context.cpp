// The note names of a prompt as context rows of pitch codes (audio_spectrogram.h says why).
#include <gen/audio/note_names.h>
#include <gen/error.h>
#include <gen/nn/timestep_embedding.h>

#include <cmath>

#include "audio_spectrogram.h"

namespace audio_spectrogram {

torch::Tensor pitch_code(double midi, int64_t width) {
  if (width < 2 || width % 2 != 0) throw gen::Error("audio_spectrogram: a pitch code needs an even width");
  // The timestep sinusoid of the MIDI number with periods from 3 semitones (neighbouring
  // notes clearly apart) to 384 (the whole MIDI range one smooth slope); sqrt(2) gives
  // each entry unit mean square, as the layer-normed token states beside it have.
  const auto code = gen::nn::timestep_sinusoidal(torch::tensor({static_cast<float>(midi)}, torch::kFloat32), width, false,
                                                 width > 2 ? 1.0 : 0.0, 2 * M_PI / 3.0, 128.0);
  return code[0] * std::sqrt(2.0f);
}

torch::Tensor note_context(const std::string& prompt, int64_t slots, int64_t width) {
  auto rows = torch::zeros({1, slots, width});
  const auto notes = gen::audio::find_note_names(prompt);
  for (int64_t k = 0; k < slots && k < static_cast<int64_t>(notes.size()); ++k) rows[0][k] = pitch_code(notes[k], width);
  return rows;
}

}  // namespace audio_spectrogram
