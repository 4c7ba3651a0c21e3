// The plugin SDK: what a model-family library implements and exports.
//
// A plugin is a shared library with ONE exported C entry, `gen_plugin_descriptor`,
// returning a PluginDescriptor. The host checks the descriptor's ABI number, size,
// LibTorch version and C++ string ABI before calling anything else, because host
// and plugins share one libtorch and one libstdc++. Behind the descriptor are the
// C++ interfaces below. Define the entry with GEN_DEFINE_PLUGIN(YourPluginClass).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <torch/version.h>

#include <gen/export.h>
#include <gen/progress.h>

namespace gen {

// Bump when any interface below changes layout or virtual functions.
constexpr uint32_t kPluginAbiVersion = 1;

enum class Modality { image, video, audio, shape3d, motion };
GEN_API const char* modality_name(Modality m);  // "image", "video", "audio", "3d", "motion"
GEN_API Modality parse_modality(const std::string& name);  // throws UsageError

// One plugin-specific option, shown by `gen plugins` and `gen <modality> --help-model`.
struct OptionSpec {
  std::string name;           // key used with --option name=value
  std::string type;           // "int", "float", "string", "bool", "path"
  std::string default_value;
  std::string help;
  std::vector<std::string> choices;  // empty = free value
};

struct ModelSpec {
  std::string name;           // what -m accepts (a name; plugins may also accept paths)
  std::string description;
  bool is_default = false;    // the embedded default used when -m is not given
};

struct PluginInfo {
  std::string name;           // unique, e.g. "image_ldm"
  std::string version;
  std::string description;
  Modality modality = Modality::image;
  std::vector<ModelSpec> models;
  std::vector<OptionSpec> options;
  // Among plugins of one modality, the highest priority default model is used when
  // the user gives no -m.
  int priority = 0;
};

// A generation request: the options every modality shares, plus plugin options.
// Zero / empty values mean "the model's default".
struct Request {
  std::string prompt;
  std::string negative_prompt;
  int steps = 0;
  double cfg_scale = -1.0;    // < 0: model default
  std::string sampler;
  std::string scheduler;
  int64_t seed = -1;          // resolved by the host before run(); never -1 there
  int width = 0;
  int height = 0;
  int batch_count = 1;
  std::string output;         // output path; a batch writes numbered siblings
  std::string model;
  int threads = 0;
  std::string device = "cpu";
  std::map<std::string, std::string> options;  // plugin options and modality flags
};

// One file a generator wrote.
struct Artifact {
  std::string path;
  std::string media_type;     // e.g. "image/png", "text/csv"
  int64_t seed = 0;
  std::string metadata_json;  // every parameter that made it
};

struct Result {
  std::vector<Artifact> artifacts;
};

// Runs requests against one loaded model. Reports progress through the callback and
// throws gen::Cancelled when the callback answers stop.
class GEN_API Generator {
 public:
  virtual ~Generator() = default;
  virtual Result run(const Request& request, const ProgressCallback& progress) = 0;
};

// Options for `gen train` with a plugin; free-form keys, documented by the plugin.
struct TrainRequest {
  std::string model;          // what to train (a model name the plugin defines)
  std::string output;         // checkpoint directory or file
  int64_t seed = 0;
  int threads = 0;
  std::map<std::string, std::string> options;
};

class GEN_API Plugin {
 public:
  virtual ~Plugin() = default;
  virtual PluginInfo info() const = 0;
  // True when this plugin can load `model` (one of its names, or a path it recognises).
  virtual bool accepts_model(const std::string& model) const = 0;
  // Loads `model` (empty = the plugin's default) and returns a generator for it.
  virtual std::unique_ptr<Generator> create_generator(const std::string& model,
                                                      const ProgressCallback& progress) = 0;
  // Trains a model of this family; plugins that cannot train throw UsageError.
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

// Defines the exported entry for a plugin class with a default constructor.
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
