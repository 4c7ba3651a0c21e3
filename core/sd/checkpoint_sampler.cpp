// Which sampler runs: --sampler picks the class, the checkpoint supplies the training
// schedule (betas, offsets, prediction type) it runs on, as diffusers' from_config does.
// Without --sampler a folder's own scheduler class runs; single files use euler_a.
#include <gen/nn/checkpoint_sampler.h>

#include <spdlog/spdlog.h>

#include <gen/error.h>

namespace gen::nn {
namespace {

// The checkpoint's scheduler config is the model's problem, not the command line's.
[[noreturn]] void bad_scheduler(const StableDiffusionCheckpoint& checkpoint, const UsageError& e,
                                const std::string& hint) {
  throw ModelError((checkpoint.path() / "scheduler" / "scheduler_config.json").string() + ": " + e.what() + hint);
}

}  // namespace

std::unique_ptr<Sampler> make_checkpoint_sampler(const StableDiffusionCheckpoint& checkpoint,
                                                 const std::string& sampler, const std::string& scheduler,
                                                 std::optional<PredictionType> prediction_type) {
  const auto& json = checkpoint.scheduler_config();
  auto config = checkpoint.training_schedule();
  if (prediction_type) config.prediction_type = *prediction_type;
  // A single file does not say what its UNet predicts; SD 2.x 768-px models use v.
  if (json.is_null() && checkpoint.sd_version() == 2 && !prediction_type)
    spdlog::info("SD 2.x single file: assuming epsilon prediction; the 768-px models need -O prediction_type=v_prediction");
  config.apply_schedule_name(scheduler);
  std::string name = sampler;
  if (name.empty() && !json.is_null()) {
    try {
      make_sampler_from_diffusers(json);  // refuses scheduler settings the core cannot honour
    } catch (const UsageError& e) {
      bad_scheduler(checkpoint, e, "; pass --sampler to run another sampler on this checkpoint's schedule");
    }
    name = json["_class_name"].get<std::string>();
  }
  auto chosen = make_sampler(name.empty() ? "euler_a" : name, config);
  if (chosen->prediction_type() == PredictionType::flow)
    throw UsageError("sampler '" + std::string(chosen->name()) +
                     "' is for flow-matching models; Stable Diffusion needs e.g. euler_a, dpmpp_2m or ddim");
  return chosen;
}

}  // namespace gen::nn
