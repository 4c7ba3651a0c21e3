#include <gen/humans/motion_evaluation.h>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/generation.h>
#include <gen/humans/motion_dataset.h>

#include "motion_sources.h"

namespace gen::humans {

namespace {

constexpr const char* kRealMotions = "real motions";
constexpr const char* kStaticPose = "static pose";
constexpr const char* kMismatchedReal = "mismatched real";

void check_settings(const MotionEvaluationSettings& s) {
  if (s.splits.empty()) throw UsageError("nothing to evaluate: no split");
  if (s.count < 2) throw UsageError("--count must be at least 2");
  if (s.mm_repeats < 1 || s.mm_repeats > 100) throw UsageError("--mm-repeats must be in 1..100");
  if (s.mm_prompts < 0) throw UsageError("--mm-prompts must not be negative");
  for (const auto& split : s.splits)
    if (split != "train" && split != "heldout") throw UsageError("unknown split '" + split + "' (train, heldout)");
}

// The split's first `count` motions with their truth.
std::vector<LabelledMotion> evaluation_cases(const MotionEvaluationSettings& s, const std::string& split) {
  const auto data = load_motion_dataset(s.data, split);
  const auto n = static_cast<int>(data.records.size());
  if (s.count > n) throw UsageError("--count must be in 2.." + std::to_string(n) + " for split " + split);
  return dataset_motions(data, 0, s.count);
}

// The motions of a source for every case, and the multimodality repeats of the first mm_prompts.
struct SourceMotions {
  std::vector<motion::Motion> motions;
  std::vector<std::vector<motion::Motion>> repeats;
};

SourceMotions draw(const std::function<motion::Motion(size_t, int)>& source, size_t cases, const MotionEvaluationSettings& s) {
  SourceMotions out;
  for (size_t i = 0; i < cases; ++i) out.motions.push_back(source(i, 0));
  if (s.mm_repeats < 2) return out;
  for (size_t k = 0; k < std::min<size_t>(cases, static_cast<size_t>(s.mm_prompts)); ++k) {
    out.repeats.emplace_back();
    for (int r = 1; r < s.mm_repeats; ++r) out.repeats.back().push_back(source(k, r));
  }
  return out;
}

// The rows of one split: every source's motions scored against the same cases.
struct SplitRun {
  const MotionEvaluationSettings& s;
  const MotionJudges& judges;
  std::string split;
  std::vector<LabelledMotion> cases;
  torch::Tensor reference;  // embeddings of the cases' own motions, for FID
  MotionEvaluationReport& report;
  const std::function<void(const MotionEvaluationRow&)>& on_row;

  void emit(const std::string& sampler, int steps, const SourceMotions& m) {
    if (!reference.defined()) {
      std::vector<motion::Motion> own;
      for (const auto& c : cases) own.push_back(c.motion);
      reference = judges.embed_motions(own);
    }
    report.rows.push_back({split, sampler, steps, score_motions(judges, cases, m.motions, m.repeats, reference)});
    if (on_row) on_row(report.rows.back());
  }

  // The real motions, and with --baselines a static pose and mismatched real motions.
  void score_references() {
    const auto real = real_source(cases);
    emit(kRealMotions, 0, draw(real, cases.size(), s));
    if (!s.baselines) return;
    emit(kStaticPose, 0, draw(static_source(real), cases.size(), s));
    emit(kMismatchedReal, 0, draw(mismatched_source(cases, real), cases.size(), s));
  }

  void score_model(GenerationSession& session, const std::string& sampler, int steps, const ProgressCallback& progress) {
    const auto n = static_cast<int64_t>(cases.size());
    const int64_t total = n + std::min<int64_t>(n, s.mm_prompts) * (s.mm_repeats - 1);
    ModelSource model(session, s, cases, sampler, steps, progress, "generating " + split, total);
    const auto made = draw(std::ref(model), cases.size(), s);
    emit(model.sampler().empty() ? "default" : model.sampler(), model.steps(), made);
  }
};

}  // namespace

nlohmann::json MotionEvaluationRow::to_json() const {
  auto j = scores.to_json();
  j["split"] = split, j["sampler"] = sampler, j["steps"] = steps;
  return j;
}

nlohmann::json MotionEvaluationReport::to_json() const {
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& row : rows) runs.push_back(row.to_json());
  return {{"model", model}, {"plugin", plugin}, {"judges", judges}, {"cfg_scale", cfg_scale},
          {"count", count}, {"seed", seed},     {"runs", runs}};
}

MotionEvaluationReport evaluate_motion_model(const PluginRegistry& registry, const MotionEvaluationSettings& s,
                                             const std::function<void(const MotionEvaluationRow&)>& on_row,
                                             const ProgressCallback& progress) {
  check_settings(s);
  const auto judges = s.judges.empty() ? MotionJudges::load_default() : MotionJudges::load(s.judges);
  MotionEvaluationReport report{"", "", judges.folder().string(), s.cfg_scale, s.count, s.seed, {}};
  // The model is loaded before any work, so a missing one fails at once.
  std::optional<GenerationSession> session;
  if (s.generate) {
    Request request;
    request.modality = Modality::motion;
    request.model = s.model;
    session = open_session(registry, request);
    report.model = session->model, report.plugin = session->plugin->info().name;
  }
  for (const auto& split : s.splits) {
    SplitRun run{s, judges, split, evaluation_cases(s, split), {}, report, on_row};
    run.score_references();
    if (!session) continue;
    for (const auto& sampler : s.samplers)
      for (int steps : s.steps) run.score_model(*session, sampler, steps, progress);
  }
  return report;
}

}  // namespace gen::humans
