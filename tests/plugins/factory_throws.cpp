// A plugin whose constructor throws (e.g. a missing resource).
#include <gen/plugin.h>

#include <stdexcept>

class FactoryThrows : public gen::Plugin {
 public:
  FactoryThrows() { throw std::runtime_error("cannot find my resources"); }
  gen::PluginInfo info() const override { return {}; }
  bool accepts_model(const std::string&) const override { return false; }
  std::unique_ptr<gen::Generator> create_generator(const std::string&, const gen::PartSource&,
                                                   const gen::ProgressCallback&) override {
    return nullptr;
  }
};

GEN_DEFINE_PLUGIN("factory_throws", FactoryThrows)
