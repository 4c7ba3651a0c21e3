// gen plugins [--json] [--check FILE]: what was found, and what failed and why.
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

#include <gen/error.h>

#include "commands.h"
#include "plugin_host.h"

namespace gen::cli {

namespace {

nlohmann::ordered_json option_json(const OptionSpec& o) {
  nlohmann::ordered_json j{{"name", o.name}, {"type", option_type_name(o.type)}, {"default", o.default_value},
                           {"help", o.help}, {"choices", o.choices}};
  if (std::isfinite(o.min)) j["min"] = o.min;
  if (std::isfinite(o.max)) j["max"] = o.max;
  return j;
}

nlohmann::ordered_json plugin_json(const LoadedPlugin& p) {
  const auto& info = p.info();
  nlohmann::ordered_json j;
  j["name"] = info.name;
  j["version"] = info.version;
  j["modality"] = modality_name(info.modality);
  j["description"] = info.description;
  j["path"] = p.path();
  j["priority"] = info.priority;
  j["models"] = nlohmann::ordered_json::array();
  for (const auto& m : info.models)
    j["models"].push_back({{"name", m.name}, {"description", m.description}, {"default", m.is_default}});
  j["options"] = nlohmann::ordered_json::array();
  for (const auto& o : info.options) j["options"].push_back(option_json(o));
  j["inputs"] = info.inputs;
  j["training"] = nlohmann::ordered_json::array();
  for (const auto& stage : info.training) {
    nlohmann::ordered_json options = nlohmann::ordered_json::array();
    for (const auto& o : stage.options) options.push_back(option_json(o));
    j["training"].push_back({{"name", stage.name}, {"help", stage.help}, {"options", options}});
  }
  return j;
}

void print_plugin_text(const LoadedPlugin& p) {
  const auto& info = p.info();
  std::printf("%s %s  [%s]  %s\n", info.name.c_str(), info.version.c_str(), modality_name(info.modality),
              info.description.c_str());
  std::printf("  file: %s\n", p.path().c_str());
  for (const auto& m : info.models)
    std::printf("  model %s%s  %s\n", m.name.c_str(), m.is_default ? " (default)" : "", m.description.c_str());
  for (const auto& o : info.options)
    std::printf("  -O %s=<%s>  %s%s\n", o.name.c_str(), o.describe().c_str(), o.help.c_str(),
                o.default_value.empty() ? "" : (" (default: " + o.default_value + ")").c_str());
  if (!info.inputs.empty()) {
    std::string flags;
    for (const auto& f : info.inputs) flags += " --" + f;
    std::printf("  reads:%s\n", flags.c_str());
  }
  for (const auto& stage : info.training)
    std::printf("  train -m %s  %s (`gen train %s --help`)\n", stage.name.c_str(), stage.help.c_str(),
                info.name.c_str());
}

int list_plugins(bool as_json) {
  auto registry = discover_plugins();
  if (as_json) {
    nlohmann::ordered_json j;
    j["plugins"] = nlohmann::ordered_json::array();
    for (const auto& p : registry.plugins()) j["plugins"].push_back(plugin_json(p));
    j["failed"] = nlohmann::ordered_json::array();
    for (const auto& f : registry.failures()) j["failed"].push_back({{"path", f.path}, {"reason", f.reason}});
    j["search_path"] = nlohmann::ordered_json::array();
    for (const auto& d : PluginRegistry::default_search_dirs()) j["search_path"].push_back(d.string());
    std::printf("%s\n", j.dump(2).c_str());
    return kExitOk;
  }
  if (registry.plugins().empty()) std::printf("no plugins found\n");
  for (const auto& p : registry.plugins()) print_plugin_text(p);
  if (!registry.failures().empty()) {
    std::printf("\nfailed to load:\n");
    for (const auto& f : registry.failures()) std::printf("  %s: %s\n", f.path.c_str(), f.reason.c_str());
  }
  return kExitOk;
}

// Loads one file and says whether it is a usable plugin (exit 0) or why not (exit 4).
int check_plugin(const std::string& file) {
  PluginRegistry registry;
  if (!registry.load(file)) {
    const auto& f = registry.failures().front();
    throw PluginError("plugin " + f.path + ": " + f.reason);
  }
  print_plugin_text(registry.plugins().front());
  return kExitOk;
}

}  // namespace

Runner add_plugins_command(CLI::App& app, CommonFlags& flags) {
  auto* cmd = app.add_subcommand("plugins", "List installed plugins, their models and options");
  auto as_json = std::make_shared<bool>(false);
  auto check = std::make_shared<std::string>();
  cmd->add_flag("--json", *as_json, "Print as JSON");
  cmd->add_option("--check", *check, "Load one plugin file and report whether it is usable");
  add_common_flags(*cmd, flags);
  return [as_json, check, &flags] {
    apply_common_flags(flags, false);
    return check->empty() ? list_plugins(*as_json) : check_plugin(*check);
  };
}

}  // namespace gen::cli
