// How well judges read real motions they never saw — the proof that a judge works,
// and the reference every generated number is put beside ("a judge must not move with
// the judged"): the classifier's accuracy and the text-motion encoder's R-precision.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <gen/export.h>
#include <gen/humans/action_labels.h>
#include <gen/humans/judge_metrics.h>
#include <gen/humans/labelled_motion.h>
#include <gen/humans/motion_judges.h>

namespace gen::humans {

struct GEN_API JudgeValidation {
  std::string split;
  ReadingTally readings;  // the classifier against each motion's spec
  RPrecision r_precision; // each motion against its captions[0], batches of 32
  nlohmann::json to_json() const;  // {"split", "motions", "actions", "specs", "heads", "r_precision": {top1..3}}
};

// `seed` shuffles the R-precision batches. UsageError for fewer than 2 motions.
GEN_API JudgeValidation validate_judges(const MotionJudges& judges, const std::string& split,
                                        const std::vector<LabelledMotion>& motions, uint64_t seed = 0);

}  // namespace gen::humans
