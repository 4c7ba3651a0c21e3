#include <gen/humans/action_labels.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include <gen/error.h>

namespace gen::humans {

namespace {

const std::string& field(const ActionSpec& a, LabelHead head) {
  switch (head) {
    case kActionHead: return a.action;
    case kDirectionHead: return a.direction;
    case kSpeedHead: return a.speed;
    case kRepetitionsHead: return a.repetitions;
    default: return a.side;
  }
}

std::string& field(ActionSpec& a, LabelHead head) {
  return const_cast<std::string&>(field(static_cast<const ActionSpec&>(a), head));
}

int64_t index_of(const std::vector<std::string>& values, const std::string& v) {
  const auto it = std::find(values.begin(), values.end(), v);
  if (it == values.end()) throw UsageError("no label value '" + v + "'");
  return it - values.begin();
}

// Whether the action takes the head's parameter at all (a circle's side counts).
bool takes(const ActionSpec& a, LabelHead head) {
  if (head == kActionHead) return true;
  if (a.action == "none") return false;
  return !field(a, head).empty();
}

// The parameter values a reading shows for its action: those the action takes, a side
// only with a sided direction or for a sided action.
ActionSpec applicable(const ActionSpec& a) {
  const auto& p = action_parameters(a.action);
  ActionSpec out;
  out.action = a.action;
  if (!p.directions.empty()) out.direction = a.direction;
  if (!p.speeds.empty()) out.speed = a.speed;
  if (!p.repetitions.empty()) out.repetitions = a.repetitions;
  const bool sided = !p.sides.empty() ||
                     std::find(p.sided_directions.begin(), p.sided_directions.end(), out.direction) != p.sided_directions.end();
  if (sided) out.side = a.side;
  return out;
}

}  // namespace

const std::vector<std::string>& label_values(LabelHead head) {
  static const auto actions = [] {
    auto v = action_names();
    v.push_back("none");
    return v;
  }();
  switch (head) {
    case kActionHead: return actions;
    case kDirectionHead: return direction_names();
    case kSpeedHead: return speed_names();
    case kRepetitionsHead: return repetition_names();
    default: return side_names();
  }
}

const char* label_head_name(LabelHead head) {
  static const char* const names[] = {"action", "direction", "speed", "repetitions", "side"};
  return names[head];
}

int64_t label_logit_count() {
  int64_t n = 0;
  for (int h = 0; h < kLabelHeads; ++h) n += static_cast<int64_t>(label_values(static_cast<LabelHead>(h)).size());
  return kActionSlots * n;
}

torch::Tensor encode_action_labels(const MotionSpec& spec) {
  check_motion_spec(spec);
  auto labels = torch::full({kActionSlots, kLabelHeads}, kNoLabel, torch::kInt64);
  for (int slot = 0; slot < kActionSlots; ++slot) {
    ActionSpec a;
    a.action = "none";
    if (slot < static_cast<int>(spec.actions.size())) a = spec.actions[static_cast<size_t>(slot)];
    for (int h = 0; h < kLabelHeads; ++h) {
      const auto head = static_cast<LabelHead>(h);
      if (takes(a, head)) labels[slot][h] = index_of(label_values(head), field(a, head));
    }
  }
  return labels;
}

MotionSpec decode_action_labels(const torch::Tensor& logits) {
  if (logits.dim() != 1 || logits.size(0) != label_logit_count())
    throw UsageError("action logits must be [" + std::to_string(label_logit_count()) + "]");
  MotionSpec reading;
  int64_t at = 0;
  for (int slot = 0; slot < kActionSlots; ++slot) {
    ActionSpec a;
    for (int h = 0; h < kLabelHeads; ++h) {
      const auto head = static_cast<LabelHead>(h);
      const auto& values = label_values(head);
      const auto n = static_cast<int64_t>(values.size());
      field(a, head) = values[static_cast<size_t>(logits.narrow(0, at, n).argmax().item<int64_t>())];
      at += n;
    }
    // A first slot read as "none" cannot be: the motion is its second-best action then.
    if (slot == 0 && a.action == "none") {
      const auto& values = label_values(kActionHead);
      a.action = values[static_cast<size_t>(logits.narrow(0, 0, static_cast<int64_t>(values.size()) - 1).argmax().item<int64_t>())];
    }
    if (a.action != "none") reading.actions.push_back(a);
  }
  return reading;
}

ReadingCheck check_reading(const MotionSpec& truth, const MotionSpec& reading) {
  ReadingCheck c;
  c.actions = truth.actions.size() == reading.actions.size();
  for (size_t i = 0; i < truth.actions.size(); ++i) {
    const bool present = i < reading.actions.size();
    c.actions = c.actions && present && reading.actions[i].action == truth.actions[i].action;
    for (int h = kDirectionHead; h < kLabelHeads; ++h) {
      const auto head = static_cast<LabelHead>(h);
      if (!takes(truth.actions[i], head)) continue;
      const bool right = present && field(reading.actions[i], head) == field(truth.actions[i], head);
      ++c.attributes, ++c.per_head_total[h];
      c.attributes_right += right, c.per_head_right[h] += right;
    }
  }
  ++c.per_head_total[kActionHead];
  c.per_head_right[kActionHead] += c.actions;
  return c;
}

void ReadingTally::add(const ReadingCheck& c) {
  ++motions, actions += c.actions, all += c.all();
  for (int h = 0; h < kLabelHeads; ++h) head_total[h] += c.per_head_total[h], head_right[h] += c.per_head_right[h];
}

double ReadingTally::action_accuracy() const { return motions ? static_cast<double>(actions) / motions : 0; }
double ReadingTally::spec_accuracy() const { return motions ? static_cast<double>(all) / motions : 0; }

nlohmann::json ReadingTally::to_json() const {
  nlohmann::json heads = nlohmann::json::object();
  for (int h = kDirectionHead; h < kLabelHeads; ++h)
    if (head_total[h] > 0) heads[label_head_name(static_cast<LabelHead>(h))] = static_cast<double>(head_right[h]) / head_total[h];
  return {{"actions", action_accuracy()}, {"specs", spec_accuracy()}, {"heads", heads}};
}

std::string describe_reading(const MotionSpec& reading) {
  MotionSpec shown;
  for (const auto& a : reading.actions) shown.actions.push_back(applicable(a));
  return describe(shown);
}

}  // namespace gen::humans
