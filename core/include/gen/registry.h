// Finds, loads and checks plugin libraries. A faulty library never takes the host
// down: it is recorded as a PluginFailure (file + reason) and skipped.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gen/export.h>
#include <gen/plugin.h>

namespace gen {

struct PluginFailure {
  std::string path;
  std::string reason;
};

class LoadedPluginImpl;

// A plugin library that passed every check. Calls are forwarded to the plugin with
// its exceptions turned into gen::PluginError / the plugin's gen::Error, naming the
// plugin. The library stays loaded while this object or anything it created lives.
class GEN_API LoadedPlugin {
 public:
  explicit LoadedPlugin(std::shared_ptr<LoadedPluginImpl> impl);
  const PluginInfo& info() const;
  const std::string& path() const;
  bool accepts_model(const std::string& model) const;
  std::shared_ptr<Generator> create_generator(const std::string& model, const PartSource& parts,
                                              const ProgressCallback& progress) const;
  // The plugin's parts; each keeps the library loaded while it lives.
  std::shared_ptr<DiffusionPrior> prior(const std::string& model, const PartSource& parts) const;
  // Validates the stage and its options against info().training, then trains.
  void train(const TrainRequest& request, const ProgressCallback& progress) const;

 private:
  std::shared_ptr<LoadedPluginImpl> impl_;
};

// The registry is also the PartSource plugins compose each other's parts through.
class GEN_API PluginRegistry : public PartSource {
 public:
  // The build tree (../plugins next to the executable), every folder in
  // $GEN_PLUGIN_PATH (':'-separated) and the install prefix, in that order.
  static std::vector<std::filesystem::path> default_search_dirs();

  // Loads every *.so in the folders (missing folders are ignored). A plugin name
  // seen twice keeps the first and records the second as a failure.
  void discover(const std::vector<std::filesystem::path>& dirs);
  // Loads one file; returns false and records the failure when it is not a plugin.
  bool load(const std::filesystem::path& file);

  const std::vector<LoadedPlugin>& plugins() const { return plugins_; }
  const std::vector<PluginFailure>& failures() const { return failures_; }

  const LoadedPlugin* find(const std::string& name) const;
  std::vector<const LoadedPlugin*> for_modality(Modality m) const;

  struct Resolved {
    const LoadedPlugin* plugin = nullptr;
    std::string model;  // the model name to pass to that plugin ("" = its default)
  };
  // Picks the plugin for a request: "plugin:model" names both; a bare model goes to
  // the highest-priority plugin of that modality accepting it; no model, to the
  // highest-priority plugin that has a default model. Throws ModelError naming what
  // is installed when nothing fits.
  Resolved resolve(Modality m, const std::string& model) const;

  // "plugin" or "plugin:model": that plugin's parts (gen/parts.h). Throws ModelError.
  std::shared_ptr<DiffusionPrior> prior(const std::string& spec) const override;

 private:
  std::vector<LoadedPlugin> plugins_;
  std::vector<PluginFailure> failures_;
};

}  // namespace gen
