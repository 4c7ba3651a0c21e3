#include <gen/shapes/video_evaluation.h>

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/generation.h>
#include <gen/shapes/motion_dataset.h>
#include <gen/video/video_io.h>

#include "evaluation_request.h"

namespace gen::shapes {

namespace {

namespace fs = std::filesystem;

constexpr const char* kRealClips = "real clips";

std::vector<ClipAnalysis> analyse_all(const std::vector<video::Video>& clips) {
  std::vector<ClipAnalysis> out;
  for (const auto& c : clips) out.push_back(analyse_clip(c));
  return out;
}

// `n` clips drawn afresh from the split's distribution at the dataset's frame count and
// size, from a seed of their own: an independent real sample to measure distances to.
std::vector<video::Video> fresh_real_clips(const std::string& split, int n, const video::Video& like) {
  std::mt19937_64 rng(0x9e3779b97f4a7c15ull ^ std::hash<std::string>{}(split));
  std::vector<video::Video> out;
  for (int i = 0; i < n; ++i)
    out.push_back(render_clip(random_clip(rng, split == "heldout"), static_cast<int>(like.frame_count()),
                              static_cast<int>(like.height())));
  return out;
}

// One clip per case, case i with seed + i, at the real clips' size.
std::vector<video::Video> generate_all(GenerationSession& session, const std::vector<VideoEvalCase>& cases,
                                       const std::string& sampler, int steps, const VideoEvaluationSettings& s) {
  std::vector<video::Video> out;
  for (size_t i = 0; i < cases.size(); ++i) {
    auto r = evaluation_request(session, Modality::video, cases[i].prompt, sampler, steps, s.cfg_scale,
                                s.seed + static_cast<int64_t>(i));
    r.options = s.options;
    r.video.frames = s.frames > 0 ? s.frames : static_cast<int>(cases[i].real.frame_count());
    r.video.width = static_cast<int>(cases[i].real.width());
    r.video.height = static_cast<int>(cases[i].real.height());
    auto sample = generate(session, r).front();
    if (sample.data.dim() != 4 || sample.data.scalar_type() != torch::kUInt8)
      throw ModelError("the video model returned a sample that is not uint8 [F, H, W, C]");
    out.push_back(video::with_channels({sample.data.contiguous(), video::FrameRate{kClipFps, 1}}, 3));
  }
  return out;
}

// <dir>/<split>-<sampler>-<steps>-<i>.gif, so failures can be looked at.
void save_clips(const std::vector<video::Video>& clips, const fs::path& dir, const VideoEvaluationRow& row) {
  if (dir.empty()) return;
  fs::create_directories(dir);
  std::string tag = row.sampler;
  std::replace(tag.begin(), tag.end(), ' ', '_');
  for (size_t i = 0; i < clips.size(); ++i) {
    char name[256];
    std::snprintf(name, sizeof name, "%s-%s-%d-%03zu.gif", row.split.c_str(), tag.c_str(), row.steps, i);
    video::write_video(dir / name, clips[i]);
  }
}

nlohmann::json verdict_json(const ClipVerdict& v) {
  nlohmann::json missed = nlohmann::json::array();
  if (!v.check.motion) missed.push_back("motion");
  if (!v.check.consistent) missed.push_back("consistency");
  if (v.check.color_and_shape < 1) missed.push_back("color_and_shape");
  return {{"prompt", v.prompt}, {"missed", missed}, {"color_and_shape", v.check.color_and_shape},
          {"found", to_json(v.found)}};
}

}  // namespace

std::vector<VideoEvalCase> video_eval_cases(const fs::path& data_dir, const std::string& split, int n) {
  auto data = read_motion_split(data_dir, split);
  if (n < 1 || n > static_cast<int>(data.clips.size()))
    throw UsageError("--count must be in 1.." + std::to_string(data.clips.size()) + " for split " + split);
  std::vector<VideoEvalCase> cases;
  for (int i = 0; i < n; ++i) {
    const auto& clip = data.clips[static_cast<size_t>(i)];
    cases.push_back({clip, caption_clip(clip, 0), {data.frames[i].clone(), video::FrameRate{kClipFps, 1}}});
  }
  return cases;
}

VideoAdherenceReport score_clips(const std::vector<video::Video>& generated, const std::vector<VideoEvalCase>& cases,
                                 const std::vector<ClipAnalysis>& reference) {
  if (generated.size() != cases.size() || generated.empty())
    throw UsageError("score_clips needs one generated clip per case");
  VideoAdherenceReport r;
  r.clips = static_cast<int>(generated.size());
  std::vector<ClipAnalysis> found;
  for (size_t i = 0; i < generated.size(); ++i) {
    found.push_back(analyse_clip(generated[i]));
    const auto c = check_clip_adherence(found.back(), cases[i].clip);
    r.color += c.color, r.shape += c.shape, r.color_and_shape += c.color_and_shape, r.background += c.background;
    r.motion += c.motion, r.consistent += c.consistent;
    r.flicker += found.back().flicker, r.change += found.back().change;
    r.verdicts.push_back({cases[i].prompt, c, found.back()});
  }
  for (double* v : {&r.color, &r.shape, &r.color_and_shape, &r.background, &r.motion, &r.consistent, &r.flicker, &r.change})
    *v /= r.clips;
  if (found.size() >= 2 && reference.size() >= 2) r.frechet = clip_frechet_distance(found, reference);
  return r;
}

nlohmann::json VideoAdherenceReport::to_json() const {
  nlohmann::json j = {{"clips", clips},         {"color", color},   {"shape", shape},
                      {"color_and_shape", color_and_shape}, {"background", background},
                      {"motion", motion},       {"consistent", consistent},
                      {"flicker", flicker},     {"change", change}};
  j["frechet_features"] = frechet ? nlohmann::json(*frechet) : nlohmann::json(nullptr);
  j["failures"] = nlohmann::json::array();
  for (size_t i = 0; i < verdicts.size(); ++i)
    if (auto f = verdict_json(verdicts[i]); !f["missed"].empty()) f["index"] = i, j["failures"].push_back(f);
  return j;
}

nlohmann::json VideoEvaluationRow::to_json() const {
  auto j = result.to_json();
  j["split"] = split, j["sampler"] = sampler, j["steps"] = steps;
  return j;
}

nlohmann::json VideoEvaluationReport::to_json() const {
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& row : rows) runs.push_back(row.to_json());
  return {{"model", model}, {"plugin", plugin}, {"cfg_scale", cfg_scale}, {"options", options},
          {"count", count}, {"frames", frames}, {"seed", seed},     {"runs", runs}};
}

VideoEvaluationReport evaluate_video_adherence(const PluginRegistry& registry, const VideoEvaluationSettings& s,
                                               const std::function<void(const VideoEvaluationRow&)>& on_row) {
  if (!s.generate && !s.baselines) throw UsageError("nothing to evaluate: no model and no baselines");
  VideoEvaluationReport report{"", "", s.cfg_scale, s.options, s.count, s.frames, s.seed, {}};
  // The model is loaded first, so a missing one fails before minutes of work.
  std::optional<GenerationSession> session;
  if (s.generate) {
    Request request;
    request.modality = Modality::video;
    request.model = s.model;
    session = open_session(registry, request);
    report.model = session->model, report.plugin = session->plugin->info().name;
  }
  auto emit = [&](const std::string& split, const std::string& sampler, int steps, const std::vector<video::Video>& clips,
                  const std::vector<VideoEvalCase>& cases, const std::vector<ClipAnalysis>& reference) {
    VideoEvaluationRow row{split, sampler, steps, {}};
    save_clips(clips, s.save_clips, row);
    row.result = score_clips(clips, cases, reference);
    report.rows.push_back(std::move(row));
    if (on_row) on_row(report.rows.back());
  };
  for (const auto& split : s.splits) {
    const auto cases = video_eval_cases(s.data, split, s.count);
    std::vector<video::Video> real;
    for (const auto& c : cases) real.push_back(c.real);
    if (s.baselines) emit(split, kRealClips, 0, real, cases, analyse_all(fresh_real_clips(split, s.count, real.front())));
    if (!session) continue;
    const auto real_analyses = analyse_all(real);
    for (const auto& sampler : s.samplers)
      for (int steps : s.steps)
        emit(split, sampler, steps, generate_all(*session, cases, sampler, steps, s), cases, real_analyses);
  }
  return report;
}

}  // namespace gen::shapes
