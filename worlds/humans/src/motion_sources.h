// Where the motions an evaluation scores come from (internal to gen_humans): for case i
// of a split and repeat r (r > 0 only for multimodality), a motion made for the case's
// captions[0] — by the world itself (the reference and the baselines) or by a model
// through the generation host.
#pragma once
#include <chrono>
#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

#include <gen/generation.h>
#include <gen/humans/labelled_motion.h>
#include <gen/humans/motion_evaluation.h>

namespace gen::humans {

using MotionSource = std::function<motion::Motion(size_t i, int r)>;

// The case's spec animated from a seed of its own per repeat: a perfect model's motion.
MotionSource real_source(const std::vector<LabelledMotion>& cases);
// The first frame of `real`'s motion held for its length.
MotionSource static_source(MotionSource real);
// `real`'s motion of the next case whose actions differ: real, but for another caption.
MotionSource mismatched_source(const std::vector<LabelledMotion>& cases, MotionSource real);

// A model's motion through the session (seed + r * count + i); the sampler and steps
// the model reported once it has run (metadata "sampler", "steps"), else those asked for.
// `progress` hears "generating <split>" with the motions made so far of `total`, also
// while one is being made, so that a stop answer ends the evaluation at once.
class ModelSource {
 public:
  ModelSource(GenerationSession& session, const MotionEvaluationSettings& settings, const std::vector<LabelledMotion>& cases,
              std::string sampler, int steps, ProgressCallback progress, std::string stage, int64_t total);
  motion::Motion operator()(size_t i, int r);
  const std::string& sampler() const { return sampler_; }
  int steps() const { return steps_; }

 private:
  Request request(size_t i, int r) const;
  bool reads(const char* field) const;

  GenerationSession& session_;
  const MotionEvaluationSettings& settings_;
  const std::vector<LabelledMotion>& cases_;
  const std::string asked_sampler_;  // "" / 0: the model's default, not sent
  const int asked_steps_;
  std::string sampler_;
  int steps_;
  ProgressCallback progress_;
  std::string stage_;
  int64_t total_, made_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace gen::humans
