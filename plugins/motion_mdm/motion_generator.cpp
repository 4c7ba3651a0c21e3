#include "motion_generator.h"

#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

#include <spdlog/spdlog.h>

#include <gen/error.h>
#include <gen/guidance.h>
#include <gen/motion/humanml_features.h>
#include <gen/sampler.h>
#include <gen/sampling.h>

namespace motion_mdm {

struct MotionGenerator::Plan {
  int64_t frames = 0;              // at the model's rate
  double out_fps = 0;              // the rate written
  std::pair<int64_t, int64_t> kept_frames{0, 0};
  std::vector<int64_t> kept_joints;
  std::string task = "text-to-motion";
  int steps = 0;
  double cfg_scale = 0;
  std::unique_ptr<gen::Sampler> sampler;
  std::vector<gen::TravelKeyframe> keyframes;  // prompt travel; empty = -p on every frame
};

MotionModel& MotionGenerator::model(const MotionOptions& o) {
  const auto key = o.text_encoder + "|" + o.tokenizer + "|" + o.normalizer + "|" + std::to_string(o.train_timesteps) +
                   "|" + std::to_string(o.heads) + "|" + std::to_string(o.mask_frames);
  if (!model_ || key != loaded_key_) {
    model_.reset();  // release the old one before loading another
    model_ = std::make_unique<MotionModel>(load_motion_model(model_name_, o));
    loaded_key_ = key;
  }
  return *model_;
}

std::vector<gen::TravelKeyframe> MotionGenerator::travel_plan(const gen::Request& r, const MotionOptions& o) {
  if (!o.auto_travel) return {};
  const auto file = o.travel_rules.empty() ? model_->travel_rules : std::filesystem::path(o.travel_rules);
  if (file.empty()) return {};
  if (!model_->network->config().cond_every_frame) {
    if (o.travel_rules.empty()) return {};  // a model's own rules it cannot use: not the user's doing
    throw gen::UsageError("this model reads one caption for all frames (its MDM has no cond_every_frame); "
                          "option travel_rules needs a model trained with it");
  }
  if (file != travel_rules_file_) {
    travel_rules_ = gen::TravelRules::load(file);
    travel_rules_file_ = file;
  }
  return travel_rules_.keyframes_for(r.prompt);
}

MotionGenerator::Plan MotionGenerator::plan(const gen::Request& r, const MotionStart* start) const {
  const auto& m = *model_;
  const auto& mr = r.motion;
  Plan p;
  p.out_fps = mr.fps > 0 ? mr.fps : m.fps;
  const double duration = mr.frames > 0 ? mr.frames / p.out_fps : mr.duration > 0 ? mr.duration : 0.0;
  if (duration > 0)
    p.frames = std::max<int64_t>(2, std::llround(duration * m.fps));
  else
    p.frames = start ? start->features.size(1) : std::llround(m.defaults.duration * m.fps);
  if (start && !mr.keep_joints.empty()) {
    if (duration > 0 && p.frames != start->features.size(1))
      throw gen::UsageError("--keep-joints keeps the input's length; leave out --duration and --frames");
    p.kept_joints = parse_keep_joints(mr.keep_joints);
    p.task = "body-part editing";
  }
  if (start && !mr.keep_frames.empty()) {
    const double scale = m.fps / p.out_fps;  // the counts are frames of the output's rate
    auto kept = parse_keep_frames(mr.keep_frames, std::llround(p.frames / scale));
    p.kept_frames = {std::llround(kept.first * scale), std::llround(kept.second * scale)};
    if (p.kept_frames.first > start->features.size(1) || p.kept_frames.second > start->features.size(1))
      throw gen::UsageError("--keep-frames '" + mr.keep_frames + "' keeps more frames than the input has (" +
                            std::to_string(start->features.size(1)) + " at " + std::to_string(m.fps) + " fps)");
    p.task = p.kept_joints.empty() ? "in-betweening" : "in-betweening + body-part editing";
  }
  const int64_t table = m.network->config().pos_embed_max_len;
  if (p.frames + 1 > table)
    throw gen::UsageError("the motion is " + std::to_string(p.frames) + " frames at " + std::to_string(m.fps) +
                          " fps; this model's position table allows at most " + std::to_string(table - 1));
  if (p.frames > m.defaults.max_frames)
    spdlog::warn("{} frames is longer than the {} frames this model was trained on; expect drift", p.frames,
                 m.defaults.max_frames);
  p.steps = r.steps > 0 ? r.steps : m.defaults.steps;
  p.cfg_scale = r.cfg_scale >= 0 ? r.cfg_scale : m.defaults.cfg_scale;
  auto schedule = m.schedule;
  if (!r.scheduler.empty()) schedule.apply_schedule_name(r.scheduler);
  p.sampler = gen::make_sampler(r.sampler.empty() ? m.defaults.sampler : r.sampler, schedule);
  if (p.sampler->prediction_type() == gen::PredictionType::flow)
    throw gen::UsageError("sampler '" + std::string(p.sampler->name()) + "' is for flow-matching models; MDM is a VP model");
  return p;
}

torch::Tensor MotionGenerator::sample_features(const gen::Request& r, const Plan& p, const MotionStart* start,
                                               const gen::ProgressCallback& progress) {
  auto& m = *model_;
  torch::NoGradGuard no_grad;
  const bool tokens = m.network->config().text_tokens_dim > 0;
  auto caption = [&](const std::string& text) {
    return text_condition(*m.text_encoder, m.text_encoder->token_ids(*m.tokenizer, {text}), m.tokenizer->eos_id(),
                          tokens);
  };
  auto cond = caption(r.prompt);
  if (!p.keyframes.empty()) {
    // Each part of the prompt conditions its own frames; the condition token and the
    // text tokens still read the whole prompt.
    std::map<std::string, torch::Tensor> encoded{{r.prompt, cond.pooled}};
    std::vector<torch::Tensor> pooled;
    for (const auto& k : p.keyframes) {
      auto it = encoded.find(k.prompt);
      if (it == encoded.end()) it = encoded.emplace(k.prompt, caption(k.prompt).pooled).first;
      pooled.push_back(it->second[0]);
    }
    cond.extra["frame_text"] = frame_text_features(p.keyframes, torch::stack(pooled), p.frames).unsqueeze(0);
  }
  // MDM's unconditional half zeroes the text feature; a negative prompt replaces it.
  auto uncond = r.negative_prompt.empty() ? null_text_condition(cond) : caption(r.negative_prompt);
  if (cond.extra.count("frame_text") && !uncond.extra.count("frame_text"))
    uncond.extra["frame_text"] = uncond.pooled.unsqueeze(1).expand({1, p.frames, uncond.pooled.size(1)}).contiguous();
  gen::SamplingOptions so;
  so.steps = p.steps;
  so.progress = progress;
  if (r.batch_count > 1)
    so.stage = "sampling (motion " + std::to_string(r.batch_index + 1) + " of " + std::to_string(r.batch_count) + ")";
  if (start) {
    // Kept features come from the input: its first frames at the start, its last at the end.
    auto init = torch::zeros({1, gen::motion::kHumanMLFeatureSize, p.frames});
    const int64_t n = std::min(p.frames, start->features.size(1));
    if (!p.kept_joints.empty()) init[0].narrow(1, 0, n).copy_(start->features.narrow(1, 0, n));
    if (p.kept_frames.first > 0)
      init[0].narrow(1, 0, p.kept_frames.first).copy_(start->features.narrow(1, 0, p.kept_frames.first));
    if (p.kept_frames.second > 0)
      init[0].narrow(1, p.frames - p.kept_frames.second, p.kept_frames.second)
          .copy_(start->features.narrow(1, start->features.size(1) - p.kept_frames.second, p.kept_frames.second));
    so.init = init;
    so.mask = edit_mask(p.frames, p.kept_frames, p.kept_joints);
  }
  MdmDenoiser mdm(m.network);
  std::optional<gen::ClassifierFreeGuidance> cfg;
  if (p.cfg_scale != 1.0) {
    gen::CfgOptions options;
    options.scale = p.cfg_scale;
    cfg.emplace(mdm, uncond, options);
  }
  gen::Denoiser& model = cfg ? static_cast<gen::Denoiser&>(*cfg) : mdm;
  gen::GeneratorNoise noise(static_cast<uint64_t>(r.seed));
  auto initial = noise.next(torch::empty({1, gen::motion::kHumanMLFeatureSize, p.frames}));
  return gen::sample(model, cond, *p.sampler, initial, noise, so);
}

torch::Tensor MotionGenerator::to_positions(const torch::Tensor& features, const Plan& p,
                                            const MotionStart* start) const {
  auto decoded = gen::motion::humanml_decode(model_->normalizer.denormalize(features[0].transpose(0, 1)));
  if (!torch::isfinite(decoded).all().item<bool>())
    throw gen::NumericError("the motion decoded to NaN or Inf (try another seed or sampler, or more steps)");
  if (start) {
    const auto [first, last] = p.kept_frames;
    const int64_t frames = decoded.size(0), input = start->positions.size(0);
    if (last > 0) {
      // The root integrates through the generated middle, so the kept end lands where the
      // middle leaves it: spread that drift over the middle so the end is the input's.
      const int64_t end = frames - last;
      auto drift = start->positions[input - last][0] - decoded[end][0];
      drift[1] = 0;
      auto ramp = torch::linspace(0, 1, end - first + 2).narrow(0, 1, end - first).reshape({-1, 1, 1});
      decoded.narrow(0, first, end - first).add_(ramp * drift);
      decoded.narrow(0, end, last).copy_(start->positions.narrow(0, input - last, last));
    }
    if (first > 0) decoded.narrow(0, 0, first).copy_(start->positions.narrow(0, 0, first));
    decoded = to_input_frame(*start, decoded);
  }
  return resample_positions(decoded, model_->fps, p.out_fps).contiguous();
}

gen::Sample MotionGenerator::generate(const gen::Request& r, const gen::ProgressCallback& progress) {
  const auto o = parse_options(r);
  auto& m = model(o);
  std::optional<MotionStart> start;
  if (!r.motion.init.empty()) start = load_motion_start(r.motion.init, m.fps, m.normalizer);
  auto p = plan(r, start ? &*start : nullptr);
  p.keyframes = travel_plan(r, o);
  auto features = sample_features(r, p, start ? &*start : nullptr, progress);
  gen::Sample sample;
  sample.data = to_positions(features, p, start ? &*start : nullptr);
  auto& j = sample.metadata;
  j["task"] = p.task;
  j["model"] = m.name;
  j["skeleton"] = "smpl22";
  j["fps"] = p.out_fps;
  j["frames"] = sample.data.size(0);
  j["duration"] = (sample.data.size(0) - 1) / p.out_fps;
  j["steps"] = p.steps;
  j["sampler"] = p.sampler->name();
  j["scheduler"] = r.scheduler;
  j["cfg_scale"] = p.cfg_scale;
  if (!p.keyframes.empty()) {
    j["prompt_travel"] = nlohmann::json::array();
    for (const auto& k : p.keyframes) j["prompt_travel"].push_back({{"at", k.at}, {"prompt", k.prompt}});
  }
  if (start) {
    j["keep_frames"] = {p.kept_frames.first, p.kept_frames.second};
    j["keep_joints"] = p.kept_joints;
  }
  return sample;
}

}  // namespace motion_mdm
