// Conditionings batched for one network call, shared by the guidance wrappers.
#pragma once
#include <vector>

#include <gen/denoiser.h>

namespace gen::detail {

// Concatenates conditionings along the batch dimension, in order. Returns false when
// their tensors cannot be concatenated (e.g. different text lengths or extra keys).
bool stack_conditionings(const std::vector<const Conditioning*>& parts, Conditioning& out);

// `c` with every one-item tensor repeated to `batch` items.
Conditioning broadcast_conditioning(const Conditioning& c, int64_t batch);

}  // namespace gen::detail
