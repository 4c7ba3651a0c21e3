// Ordered points for a slotted point transformer (PointTransformerConfig::slots): slot j
// of every cloud holds the point seen from the cloud's centroid nearest to the j-th of a
// fixed, evenly spread set of directions (a Fibonacci sphere). Across clouds a slot then
// stands for the same part of the surface — the top, the front-left edge — so at high
// noise the network's guess for each point is a whole mean shape rather than, as for an
// unordered set, the middle of it (docs/model-zoo.md, the 3D model's attempt 3).
#pragma once
#include <cstdint>

#include <torch/types.h>

namespace points3d {

// [slots, 3] unit vectors, evenly spread over the sphere, the same for every call.
torch::Tensor slot_directions(int64_t slots);

// xyz [N, 3] -> [slots] indices into it: per slot, the point whose direction from the
// centroid is nearest (a point may fill several slots where the surface is sparse).
torch::Tensor order_into_slots(const torch::Tensor& xyz, int64_t slots);

}  // namespace points3d
