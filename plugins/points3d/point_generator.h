// The generator behind `gen 3d`: loads the model on first use, samples a cloud with CFG
// through the core loop and returns it as float [N, 6] (xyz, rgb in [0, 1]); with --sds
// it instead asks the registry for the image prior and distils a cloud from it. --mesh
// and --render become extras the host writes (a reconstructed mesh, a turntable).
#pragma once
#include <memory>
#include <string>

#include <gen/plugin.h>

#include "points3d.h"

namespace points3d {

class PointGenerator : public gen::Generator {
 public:
  PointGenerator(std::string model, const gen::PartSource& parts) : model_name_(std::move(model)), parts_(&parts) {}
  gen::Sample generate(const gen::Request& request, const gen::ProgressCallback& progress) override;

 private:
  PointModel& model();
  gen::DiffusionPrior& prior(const std::string& spec);
  gen::Sample sample_cloud(const gen::Request& request, const gen::ProgressCallback& progress);
  gen::Sample distil(const gen::Request& request, const gen::ProgressCallback& progress);
  std::string model_name_;
  const gen::PartSource* parts_;  // the registry: outlives this generator (gen/plugin.h)
  std::unique_ptr<PointModel> model_;
  std::string prior_spec_;
  std::shared_ptr<gen::DiffusionPrior> prior_;
};

}  // namespace points3d
