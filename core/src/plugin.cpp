#include <gen/plugin.h>

#include <gen/error.h>

namespace gen {

std::shared_ptr<DiffusionPrior> Plugin::prior(const std::string&, const PartSource&) {
  throw ModelError("plugin '" + info().name + "' provides no parts for other plugins");
}

void Plugin::train(const TrainRequest&, const ProgressCallback&) {
  throw UsageError("plugin '" + info().name + "' cannot train models");
}

}  // namespace gen
