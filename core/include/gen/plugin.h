// The plugin SDK: what a model-family library implements and exports.
//
// A plugin is a shared library with ONE exported C entry, `gen_plugin_descriptor`,
// returning a GenPluginDescriptor. The host checks the descriptor's ABI number, size,
// LibTorch version and C++ string ABI before calling anything else, because host
// and plugins share one libtorch and one libstdc++. Behind the descriptor are the
// C++ interfaces below. Define the entry with GEN_DEFINE_PLUGIN("name", YourPluginClass).
//
// A plugin declares what it takes (PluginInfo: options, request fields, training
// stages); the host validates every request against that before the plugin sees it.
// A generator returns samples in memory (gen/sample.h); the host writes the files.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/version.h>

#include <gen/export.h>
#include <gen/options.h>
#include <gen/parts.h>
#include <gen/progress.h>
#include <gen/request.h>
#include <gen/sample.h>

namespace gen {

// Bump when any interface below changes layout or virtual functions.
// 2: typed request blocks, samples in memory, declared inputs and training stages, parts.
// 3: AudioParams gained mask_range, extend and spectrogram.
// 4: Shape3dParams gained render, sds and prior; Sample::extras may name a file as well
//    as an extension; the PartSource a generator is made with stays valid as long as it.
// 5: Shape3dParams gained sds_steps and preview_every.
constexpr uint32_t kPluginAbiVersion = 5;

struct ModelSpec {
  std::string name;           // what -m accepts (a name; plugins may also accept paths)
  std::string description;
  bool is_default = false;    // the embedded default used when -m is not given
};

// One stage `gen train PLUGIN -m STAGE` runs, and the -O options it takes.
struct TrainStage {
  std::string name;
  std::string help;
  std::vector<OptionSpec> options;
};

struct PluginInfo {
  std::string name;           // unique, e.g. "image_ldm"
  std::string version;
  std::string description;
  Modality modality = Modality::image;
  std::vector<ModelSpec> models;
  std::vector<OptionSpec> options;  // -O keys for generation
  // The optional request fields it reads, by flag name ("negative-prompt", "cfg-scale",
  // "width", "init-image", "frames", ...; gen/request.h). Any other field a user sets
  // is refused by the host. The prompt, seed, model, batch count and threads are always read.
  std::vector<std::string> inputs;
  std::vector<TrainStage> training;  // empty: the plugin cannot train
  // Among plugins of one modality, the highest priority default model is used when
  // the user gives no -m.
  int priority = 0;
};

// Runs requests against one loaded model. request.seed is this sample's seed (the
// host runs the batch loop). Reports progress through the callback and throws
// gen::Cancelled when the callback answers stop.
class GEN_API Generator {
 public:
  virtual ~Generator() = default;
  virtual Sample generate(const Request& request, const ProgressCallback& progress) = 0;
};

class GEN_API Plugin {
 public:
  virtual ~Plugin() = default;
  virtual PluginInfo info() const = 0;
  // True when this plugin can load `model` (one of its names, or a path it recognises).
  virtual bool accepts_model(const std::string& model) const = 0;
  // Loads `model` (empty = the plugin's default) and returns a generator for it. `parts`
  // hands out other plugins' parts; it outlives the generator (it is the registry, which
  // outlives every session it opens), so a generator may keep it and ask for parts when a
  // request needs them.
  virtual std::unique_ptr<Generator> create_generator(const std::string& model, const PartSource& parts,
                                                      const ProgressCallback& progress) = 0;
  // The model as parts, for other plugins to compose. Default: ModelError (none).
  virtual std::shared_ptr<DiffusionPrior> prior(const std::string& model, const PartSource& parts);
  // Runs a training stage declared in info().training; the host has validated the
  // request's options. Default: UsageError (the plugin cannot train).
  virtual void train(const TrainRequest& request, const ProgressCallback& progress);
};

}  // namespace gen

// ---- the C entry point -----------------------------------------------------------

extern "C" {
struct GenPluginDescriptor {
  uint32_t abi_version;        // gen::kPluginAbiVersion the plugin was built with
  uint32_t struct_size;        // sizeof(GenPluginDescriptor) at build time; fields are only appended
  const char* torch_version;   // TORCH_VERSION the plugin was compiled against
  int32_t cxx11_abi;           // _GLIBCXX_USE_CXX11_ABI the plugin was compiled with
  const char* name;            // plugin name, for error messages before create()
  gen::Plugin* (*create)();    // new plugin object; may throw, the host catches it
  void (*destroy)(gen::Plugin*);
};
}

#define GEN_PLUGIN_ENTRY_NAME "gen_plugin_descriptor"

// Defines the exported entry for a plugin class with a default constructor, e.g.
//   GEN_DEFINE_PLUGIN("my_plugin", my_plugin::MyPlugin)
#define GEN_DEFINE_PLUGIN(PLUGIN_NAME, PluginClass)                                        \
  GEN_PLUGIN_EXPORT const GenPluginDescriptor* gen_plugin_descriptor() {                   \
    static const GenPluginDescriptor descriptor{                                            \
        gen::kPluginAbiVersion,                                                             \
        sizeof(GenPluginDescriptor),                                                        \
        TORCH_VERSION,                                                                      \
        _GLIBCXX_USE_CXX11_ABI,                                                             \
        PLUGIN_NAME,                                                                        \
        []() -> gen::Plugin* { return new PluginClass(); },                                 \
        [](gen::Plugin* p) { delete p; }};                                                  \
    return &descriptor;                                                                     \
  }
