// The checkpoint's networks as a gen::DiffusionPrior (image_prior.cpp).
#pragma once
#include <memory>

#include <gen/nn/stable_diffusion_checkpoint.h>
#include <gen/parts.h>

namespace image_ldm {

using Checkpoint = gen::nn::StableDiffusionCheckpoint;

// Loads every network of `checkpoint`. Throws gen::ModelError / gen::InputError.
std::shared_ptr<gen::DiffusionPrior> make_image_prior(const Checkpoint& checkpoint);

}  // namespace image_ldm
