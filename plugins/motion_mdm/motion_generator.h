// The generator behind `gen motion`: resolves the request against the model (length,
// rate, sampler, edits), loads the model on first use (its options name the parts of
// a bare MDM file), samples HumanML3D features with CFG through the core loop, and
// returns joint positions [F, 22, 3] with every setting it resolved. A prompt that the
// model's travel rules split ("... runs then jumps") conditions each part's frames on
// that part.
#pragma once
#include <memory>
#include <string>

#include <gen/plugin.h>

#include "motion_mdm.h"

namespace motion_mdm {

class MotionGenerator : public gen::Generator {
 public:
  explicit MotionGenerator(std::string model) : model_name_(std::move(model)) {}
  gen::Sample generate(const gen::Request& request, const gen::ProgressCallback& progress) override;

 private:
  struct Plan;
  Plan plan(const gen::Request& r, const MotionStart* start) const;
  MotionModel& model(const MotionOptions& o);
  // The keyframe prompts -p travels through (empty: every frame reads -p).
  std::vector<gen::TravelKeyframe> travel_plan(const gen::Request& r, const MotionOptions& o);
  torch::Tensor sample_features(const gen::Request& r, const Plan& p, const MotionStart* start,
                                const gen::ProgressCallback& progress);
  torch::Tensor to_positions(const torch::Tensor& features, const Plan& p, const MotionStart* start) const;

  std::string model_name_;
  std::string loaded_key_;  // the options the model was loaded with
  std::unique_ptr<MotionModel> model_;
  std::filesystem::path travel_rules_file_;  // the rules loaded in travel_rules_
  gen::TravelRules travel_rules_;
};

}  // namespace motion_mdm
