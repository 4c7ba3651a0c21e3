// What every audio judge reads: the clip mixed to mono and resampled to the judges' rate
// (configs/sounds/judges.json "sample_rate"), as float samples.
#pragma once
#include <vector>

#include <gen/audio/audio.h>

namespace gen::sounds {

int judge_sample_rate();
// A gen::InputError for a clip check_audio refuses (non-finite samples among them).
std::vector<float> judge_samples(const gen::audio::Audio& clip);

}  // namespace gen::sounds
