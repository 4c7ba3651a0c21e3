// score_motions and the scores' JSON (gen/humans/motion_evaluation.h).
#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/humans/motion_evaluation.h>
#include <gen/humans/physics_checks.h>

namespace gen::humans {

namespace {

// Fixed, so every row of a report ranks captions in the same batches and pairs the same rows.
constexpr uint64_t kMetricSeed = 0x7432;

nlohmann::json optional_json(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

void add_physics(MotionScores& s, const std::vector<motion::Motion>& motions) {
  for (const auto& m : motions) {
    const auto p = measure_physics(m.positions, m.fps);
    s.skating += p.skating_ratio, s.penetration += p.penetration.mean, s.jitter += p.jitter;
    s.penetration_max = std::max(s.penetration_max, p.penetration.max);
  }
  const auto n = static_cast<double>(motions.size());
  s.skating /= n, s.penetration /= n, s.jitter /= n;
}

void add_readings(MotionScores& s, const MotionJudges& judges, const std::vector<LabelledMotion>& cases,
                  const std::vector<motion::Motion>& motions) {
  const auto readings = judges.classify(motions);
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto check = check_reading(cases[i].spec, readings[i]);
    s.readings.add(check);
    if (!check.actions)
      s.misses.push_back({static_cast<int>(i), cases[i].captions.at(0), describe(cases[i].spec), describe_reading(readings[i])});
  }
}

std::optional<double> multimodality_of(const MotionJudges& judges, const std::vector<motion::Motion>& motions,
                                       const std::vector<std::vector<motion::Motion>>& repeats) {
  std::vector<torch::Tensor> groups;
  for (size_t k = 0; k < repeats.size(); ++k) {
    if (repeats[k].empty()) continue;
    std::vector<motion::Motion> group{motions.at(k)};
    group.insert(group.end(), repeats[k].begin(), repeats[k].end());
    groups.push_back(judges.embed_motions(group));
  }
  if (groups.empty()) return std::nullopt;
  return multimodality(groups);
}

}  // namespace

MotionScores score_motions(const MotionJudges& judges, const std::vector<LabelledMotion>& cases,
                           const std::vector<motion::Motion>& motions,
                           const std::vector<std::vector<motion::Motion>>& repeats, const torch::Tensor& reference) {
  if (motions.size() != cases.size() || motions.size() < 2)
    throw UsageError("scoring motions needs one motion per case and at least 2 cases");
  if (repeats.size() > cases.size()) throw UsageError("scoring motions: more repeat groups than cases");
  MotionScores s;
  s.motions = static_cast<int>(motions.size());
  add_readings(s, judges, cases, motions);
  std::vector<std::string> captions;
  for (const auto& c : cases) captions.push_back(c.captions.at(0));
  const auto embedded = judges.embed_motions(motions);
  s.r_precision = r_precision(embedded, judges.embed_captions(captions), kMetricSeed);
  if (reference.defined() && reference.size(0) >= 2) s.fid = frechet_distance(embedded, reference);
  s.diversity = diversity(embedded, kMetricSeed);
  s.multimodality = multimodality_of(judges, motions, repeats);
  add_physics(s, motions);
  return s;
}

nlohmann::json MotionScores::to_json() const {
  auto j = readings.to_json();
  j["motions"] = motions;
  j["r_precision"] = {{"top1", r_precision.top1}, {"top2", r_precision.top2}, {"top3", r_precision.top3},
                      {"batch", r_precision.batch}};
  j["fid"] = optional_json(fid);
  j["diversity"] = diversity;
  j["multimodality"] = optional_json(multimodality);
  j["skating"] = skating;
  j["penetration"] = penetration;
  j["penetration_max"] = penetration_max;
  j["jitter"] = jitter;
  auto misses_json = nlohmann::json::array();
  for (const auto& m : misses) misses_json.push_back({{"index", m.index}, {"prompt", m.prompt}, {"truth", m.truth}, {"read", m.read}});
  j["misses"] = misses_json;
  return j;
}

}  // namespace gen::humans
