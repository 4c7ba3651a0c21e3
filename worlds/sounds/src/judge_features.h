// The judges' own log-mel front end (configs/sounds/judges.json "log_mel": HTK mels
// without area normalisation, centred frames, natural log over a floor) — deliberately
// not any generator's mel settings.
#pragma once
#include <cstdint>
#include <vector>

#include <torch/types.h>

namespace gen::sounds {

// float [mels, frames] of judge-rate samples; `hop` 0 = the configured hop.
torch::Tensor judge_log_mel(const std::vector<float>& samples, int64_t hop = 0);
// ln of the configured floor: what silence reads as.
double judge_log_floor();

}  // namespace gen::sounds
