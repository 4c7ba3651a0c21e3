// Which sampler runs on a Stable Diffusion checkpoint: --sampler picks the class, the
// checkpoint supplies the training schedule (betas, offsets, prediction type) it runs
// on, as diffusers' from_config does. Shared by every plugin that samples SD UNets.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include <gen/denoiser.h>
#include <gen/export.h>
#include <gen/sampler.h>
#include <gen/nn/stable_diffusion_checkpoint.h>

namespace gen::nn {

// `sampler` empty: the folder's own scheduler class, euler_a for a single file.
// `scheduler`: a timestep spacing / sigma schedule name (SchedulerConfig::apply_schedule_name).
// Throws gen::UsageError for unknown names or a flow sampler, gen::ModelError for a
// scheduler config the core cannot honour.
GEN_API std::unique_ptr<Sampler> make_checkpoint_sampler(const StableDiffusionCheckpoint& checkpoint,
                                                         const std::string& sampler, const std::string& scheduler,
                                                         std::optional<PredictionType> prediction_type = {});

}  // namespace gen::nn
