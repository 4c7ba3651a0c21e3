// A plugin that loads fine but whose model loading or generation throws. The model
// name picks the failure: "load" throws in create_generator, "run" in generate(),
// "unknown" throws a non-std exception, "input" a gen::InputError (exit 3).
#include <gen/error.h>
#include <gen/plugin.h>

#include <stdexcept>

namespace {

class ThrowingGenerator : public gen::Generator {
 public:
  explicit ThrowingGenerator(std::string mode) : mode_(std::move(mode)) {}
  gen::Sample generate(const gen::Request&, const gen::ProgressCallback& progress) override {
    progress({"sampling", 1, 2, 0.0, ""});
    if (mode_ == "unknown") throw 42;
    if (mode_ == "input") throw gen::InputError("the init image is truncated");
    throw std::runtime_error("tensor shapes do not match");
  }

 private:
  std::string mode_;
};

class GeneratorThrows : public gen::Plugin {
 public:
  gen::PluginInfo info() const override {
    gen::PluginInfo i;
    i.name = "generator_throws";
    i.version = "1.0";
    i.description = "test plugin whose generator fails";
    i.modality = gen::Modality::motion;
    i.models = {{"load", "throws while loading", false}, {"run", "throws while running", true},
                {"unknown", "throws a non-standard exception", false},
                {"input", "throws gen::InputError", false}};
    return i;
  }
  bool accepts_model(const std::string& m) const override {
    return m == "load" || m == "run" || m == "unknown" || m == "input";
  }
  std::unique_ptr<gen::Generator> create_generator(const std::string& model, const gen::PartSource&,
                                                   const gen::ProgressCallback&) override {
    if (model == "load") throw std::runtime_error("weights file is corrupt");
    return std::make_unique<ThrowingGenerator>(model.empty() ? "run" : model);
  }
};

}  // namespace

GEN_DEFINE_PLUGIN("generator_throws", GeneratorThrows)
