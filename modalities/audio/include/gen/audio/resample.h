// Sample-rate conversion with a band-limited resampler: FFmpeg's libswresample, its
// polyphase windowed-sinc engine set for quality rather than speed (a Kaiser window,
// beta 12, 128 taps at the lower rate, cutoff 0.95 of the lower Nyquist frequency):
// tones up to 0.875 of the lower Nyquist frequency keep their level within 0.02 dB, and
// content above the new Nyquist frequency (from 1.125 of it up) is suppressed by more
// than 90 dB instead of folding back as aliases. tests/unit/test_audio_resample.cpp
// measures both.
//
// The output is time-aligned with the input (sample 0 stays at t = 0; libswresample
// mirrors the first and last samples to fill its filter) and holds
// ceil(frames * target_rate / sample_rate) frames.
#pragma once
#include <gen/audio/audio.h>
#include <gen/export.h>

namespace gen::audio {

// `audio` at `target_rate` (a gen::UsageError outside kMinSampleRate..kMaxSampleRate);
// a copy when the rates are equal. Every channel is converted alone.
GEN_API Audio resample(const Audio& audio, int target_rate);

}  // namespace gen::audio
