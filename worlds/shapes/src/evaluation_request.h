// The request an evaluation of the shapes world sends for one prompt (internal to
// gen_shapes): what every row of `gen eval image|video` shares, so that the image and
// the video evaluation ask their plugins the same way.
#pragma once
#include <cstdint>
#include <string>

#include <gen/generation.h>

namespace gen::shapes {

// Prompt i of a row: its sampler and steps, seed + i, and the CFG scale only when the
// plugin reads cfg-scale (the host refuses a field a plugin does not read).
Request evaluation_request(const GenerationSession& session, Modality modality, const std::string& prompt,
                           const std::string& sampler, int steps, double cfg_scale, int64_t seed);

}  // namespace gen::shapes
