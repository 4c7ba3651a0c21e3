// The action classifier's labels: a motion read as two slots (its first and second
// action; the second is "none" for a single action), each with five categorical heads
// — action, direction, speed, repetitions, side — whose values are the humans world's
// names (motion_spec.h). A head the slot's action does not take has no label.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <torch/types.h>

#include <gen/export.h>
#include <gen/humans/motion_spec.h>

namespace gen::humans {

constexpr int kActionSlots = 2;
enum LabelHead : int { kActionHead, kDirectionHead, kSpeedHead, kRepetitionsHead, kSideHead, kLabelHeads };
constexpr int64_t kNoLabel = -100;  // torch's cross-entropy ignore_index

// The values of a head; the action head's end with "none".
GEN_API const std::vector<std::string>& label_values(LabelHead head);
GEN_API const char* label_head_name(LabelHead head);  // "action", "direction", ...
// The classifier's output width: the sum of every head's values over both slots.
GEN_API int64_t label_logit_count();

// int64 [kActionSlots, kLabelHeads]: value indices, kNoLabel where a head does not apply.
GEN_API torch::Tensor encode_action_labels(const MotionSpec& spec);

// The most likely value of every head of both slots, from logits [label_logit_count()]:
// the actions read (a "none" second slot leaves one), each with every head's value,
// applicable or not (check_reading compares only what the truth has).
GEN_API MotionSpec decode_action_labels(const torch::Tensor& logits);

// A reading against the truth: the actions (in order) and each parameter the truth states.
struct ReadingCheck {
  bool actions = false;                  // the same actions in the same order
  int attributes = 0, attributes_right = 0;  // parameters the truth states, and how many were read right
  std::vector<int> per_head_total = std::vector<int>(kLabelHeads, 0);
  std::vector<int> per_head_right = std::vector<int>(kLabelHeads, 0);
  bool all() const { return actions && attributes == attributes_right; }
};
GEN_API ReadingCheck check_reading(const MotionSpec& truth, const MotionSpec& reading);

// Checks of many motions added up: the share whose actions were read right, whose whole
// spec was, and per head the share of the truth's stated values read right (absent
// when no motion states that parameter).
struct GEN_API ReadingTally {
  int motions = 0, actions = 0, all = 0;
  std::vector<int> head_total = std::vector<int>(kLabelHeads, 0), head_right = std::vector<int>(kLabelHeads, 0);
  void add(const ReadingCheck& c);
  double action_accuracy() const;
  double spec_accuracy() const;
  // {"actions": .., "specs": .., "heads": {"direction": .., ...}}
  nlohmann::json to_json() const;
};

// A reading with only the parameters its actions take: "walk(forward, fast) then wave(right)".
GEN_API std::string describe_reading(const MotionSpec& reading);

}  // namespace gen::humans
