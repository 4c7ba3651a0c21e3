#include "evaluation_request.h"

#include <algorithm>

namespace gen::shapes {

Request evaluation_request(const GenerationSession& session, Modality modality, const std::string& prompt,
                           const std::string& sampler, int steps, double cfg_scale, int64_t seed) {
  Request r;
  r.modality = modality;
  r.prompt = prompt;
  r.sampler = sampler;
  r.steps = steps;
  const auto& inputs = session.plugin->info().inputs;
  if (std::find(inputs.begin(), inputs.end(), "cfg-scale") != inputs.end()) r.cfg_scale = cfg_scale;
  r.seed = seed;
  return r;
}

}  // namespace gen::shapes
