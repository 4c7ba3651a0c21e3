#include <gen/humans/judge_validation.h>

#include <nlohmann/json.hpp>

#include <gen/error.h>

namespace gen::humans {

nlohmann::json JudgeValidation::to_json() const {
  auto j = readings.to_json();
  j["split"] = split;
  j["motions"] = readings.motions;
  j["r_precision"] = {{"top1", r_precision.top1}, {"top2", r_precision.top2}, {"top3", r_precision.top3},
                      {"batch", r_precision.batch}};
  return j;
}

JudgeValidation validate_judges(const MotionJudges& judges, const std::string& split,
                                const std::vector<LabelledMotion>& motions, uint64_t seed) {
  if (motions.size() < 2) throw UsageError("validating the judges needs at least 2 motions");
  std::vector<motion::Motion> clips;
  std::vector<std::string> captions;
  for (const auto& m : motions) clips.push_back(m.motion), captions.push_back(m.captions.at(0));
  JudgeValidation v;
  v.split = split;
  const auto readings = judges.classify(clips);
  for (size_t i = 0; i < motions.size(); ++i) v.readings.add(check_reading(motions[i].spec, readings[i]));
  v.r_precision = r_precision(judges.embed_motions(clips), judges.embed_captions(captions), seed);
  return v;
}

}  // namespace gen::humans
