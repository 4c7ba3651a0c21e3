// Which sampler runs: --sampler picks the class, the checkpoint supplies the training
// schedule (betas, offsets, prediction type) it runs on, as diffusers' from_config does.
// Without --sampler a folder's own scheduler class runs; single files use euler_a.
#include <spdlog/spdlog.h>

#include <gen/error.h>

#include "checkpoint.h"
#include "image_ldm.h"

namespace image_ldm {
namespace {

// The checkpoint's scheduler config is the model's problem, not the command line's.
[[noreturn]] void bad_scheduler(const Checkpoint& checkpoint, const gen::UsageError& e, const std::string& hint) {
  throw gen::ModelError((checkpoint.path() / "scheduler" / "scheduler_config.json").string() + ": " + e.what() + hint);
}

}  // namespace

gen::SchedulerConfig training_schedule(const Checkpoint& checkpoint) {
  const auto& json = checkpoint.scheduler_config();
  if (json.is_null()) return gen::SchedulerConfig::stable_diffusion();
  try {
    return gen::SchedulerConfig::from_json(json);
  } catch (const gen::UsageError& e) {
    bad_scheduler(checkpoint, e, "");
  }
}

std::unique_ptr<gen::Sampler> make_ldm_sampler(const Checkpoint& checkpoint, const gen::Request& r,
                                               const LdmOptions& o) {
  const auto& json = checkpoint.scheduler_config();
  auto config = training_schedule(checkpoint);
  if (o.prediction_type) config.prediction_type = *o.prediction_type;
  // A single file does not say what its UNet predicts; SD 2.x 768-px models use v.
  if (json.is_null() && checkpoint.sd_version() == 2 && !o.prediction_type)
    spdlog::info("SD 2.x single file: assuming epsilon prediction; the 768-px models need -O prediction_type=v_prediction");
  config.apply_schedule_name(r.scheduler);
  std::string name = r.sampler;
  if (name.empty() && !json.is_null()) {
    try {
      gen::make_sampler_from_diffusers(json);  // refuses scheduler settings the core cannot honour
    } catch (const gen::UsageError& e) {
      bad_scheduler(checkpoint, e, "; pass --sampler to run another sampler on this checkpoint's schedule");
    }
    name = json["_class_name"].get<std::string>();
  }
  auto sampler = gen::make_sampler(name.empty() ? "euler_a" : name, config);
  if (sampler->prediction_type() == gen::PredictionType::flow)
    throw gen::UsageError("sampler '" + std::string(sampler->name()) +
                          "' is for flow-matching models; Stable Diffusion needs e.g. euler_a, dpmpp_2m or ddim");
  return sampler;
}

}  // namespace image_ldm
