#include "motion_sources.h"

#include <algorithm>

#include <gen/error.h>
#include <gen/humans/animator.h>
#include <gen/motion/skeleton.h>
#include <gen/seeded_rng.h>


namespace gen::humans {

namespace {

constexpr uint64_t kRealSalt = 0x7265616cull;  // "real": apart from every dataset seed's salts

std::vector<std::string> action_list(const MotionSpec& spec) {
  std::vector<std::string> out;
  for (const auto& a : spec.actions) out.push_back(a.action);
  return out;
}

// A sample as a motion: float [F, 22, 3] with its frame rate in the metadata.
motion::Motion sample_motion(const Sample& s, double asked_fps) {
  const auto& d = s.data;
  if (!d.defined() || d.dim() != 3 || d.size(0) < 2 || d.size(1) != 22 || d.size(2) != 3 || !d.is_floating_point())
    throw ModelError("the motion model returned a sample that is not smpl22 positions, float [F >= 2, 22, 3]");
  // The judges refuse non-finite input as bad input; here it is the model's fault.
  if (!torch::isfinite(d).all().item<bool>()) throw ModelError("the motion model returned non-finite joint positions");
  double fps = asked_fps > 0 ? asked_fps : 20;
  if (const auto it = s.metadata.find("fps"); it != s.metadata.end() && it->is_number() && it->get<double>() > 0)
    fps = it->get<double>();
  return {motion::smpl22(), fps, d.to(torch::kFloat32).contiguous(), {}};
}

}  // namespace

MotionSource real_source(const std::vector<LabelledMotion>& cases) {
  return [&cases](size_t i, int r) {
    const auto& c = cases.at(i);
    auto m = animate(c.spec, mix_seed(c.seed, kRealSalt, static_cast<uint64_t>(r)), c.motion.fps).motion;
    m.rotations = torch::Tensor();
    return m;
  };
}

MotionSource static_source(MotionSource real) {
  return [real = std::move(real)](size_t i, int r) {
    auto m = real(i, r);
    m.positions = m.positions.narrow(0, 0, 1).expand_as(m.positions).contiguous();
    return m;
  };
}

MotionSource mismatched_source(const std::vector<LabelledMotion>& cases, MotionSource real) {
  return [&cases, real = std::move(real)](size_t i, int r) {
    const auto own = action_list(cases.at(i).spec);
    size_t j = (i + 1) % cases.size();
    for (size_t k = 1; k < cases.size(); ++k)
      if (const size_t c = (i + k) % cases.size(); action_list(cases[c].spec) != own) {
        j = c;
        break;
      }
    return real(j, r);
  };
}

ModelSource::ModelSource(GenerationSession& session, const MotionEvaluationSettings& settings,
                         const std::vector<LabelledMotion>& cases, std::string sampler, int steps,
                         ProgressCallback progress, std::string stage, int64_t total)
    : session_(session), settings_(settings), cases_(cases), asked_sampler_(sampler), asked_steps_(steps),
      sampler_(sampler), steps_(steps), progress_(std::move(progress)), stage_(std::move(stage)), total_(total) {}

bool ModelSource::reads(const char* field) const {
  const auto& inputs = session_.plugin->info().inputs;
  return std::find(inputs.begin(), inputs.end(), field) != inputs.end();
}

// The case's caption at the real motion's length, asking only for what the plugin reads
// (the host refuses a field a plugin does not read).
Request ModelSource::request(size_t i, int r) const {
  const auto& c = cases_.at(i);
  Request q;
  q.modality = Modality::motion;
  q.prompt = c.captions.at(0);
  q.sampler = asked_sampler_;
  q.steps = asked_steps_;
  q.seed = settings_.seed + static_cast<int64_t>(r) * settings_.count + static_cast<int64_t>(i);
  if (settings_.cfg_scale >= 0 && reads("cfg-scale")) q.cfg_scale = settings_.cfg_scale;
  if (reads("fps")) q.motion.fps = c.motion.fps;
  if (reads("frames"))
    q.motion.frames = static_cast<int>(c.motion.frame_count());
  else if (reads("duration"))
    q.motion.duration = static_cast<double>(c.motion.frame_count()) / c.motion.fps;
  return q;
}

motion::Motion ModelSource::operator()(size_t i, int r) {
  const auto q = request(i, r);
  // The plugin's own steps are reported as the count of motions made so far.
  const ProgressCallback relay = [this](const Progress&) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    return progress_ ? progress_({stage_, made_, total_, elapsed, ""}) : ProgressAction::proceed;
  };
  const auto sample = generate(session_, q, relay).front();
  ++made_;
  if (relay({}) == ProgressAction::stop) throw Cancelled();
  if (sampler_.empty())
    if (const auto it = sample.metadata.find("sampler"); it != sample.metadata.end() && it->is_string())
      sampler_ = it->get<std::string>();
  if (steps_ == 0)
    if (const auto it = sample.metadata.find("steps"); it != sample.metadata.end() && it->is_number_integer())
      steps_ = it->get<int>();
  return sample_motion(sample, q.motion.fps);
}

}  // namespace gen::humans
