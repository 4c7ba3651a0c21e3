#include "judge_input.h"

#include <gen/audio/resample.h>

#include "world_config.h"

namespace gen::sounds {

int judge_sample_rate() { return static_cast<int>(config_number(judges_config(), "sample_rate")); }

std::vector<float> judge_samples(const gen::audio::Audio& clip) {
  gen::audio::check_audio(clip);
  auto mono = gen::audio::to_mono(clip);
  if (mono.sample_rate != judge_sample_rate() && mono.frames() > 0) mono = gen::audio::resample(mono, judge_sample_rate());
  const auto s = mono.samples.reshape({-1}).contiguous();
  return {s.data_ptr<float>(), s.data_ptr<float>() + s.numel()};
}

}  // namespace gen::sounds
