#include "plugin_host.h"

#include <spdlog/spdlog.h>

namespace gen::cli {

PluginRegistry discover_plugins() {
  PluginRegistry registry;
  registry.discover(PluginRegistry::default_search_dirs());
  for (const auto& f : registry.failures()) spdlog::debug("plugin {} failed: {}", f.path, f.reason);
  return registry;
}

std::string failure_hint(const PluginRegistry& registry) {
  const auto& failures = registry.failures();
  if (failures.empty()) return {};
  return " (" + std::to_string(failures.size()) + " plugin file" + (failures.size() > 1 ? "s" : "") +
         " failed to load, e.g. " + failures.front().path + ": " + failures.front().reason + ")";
}

}  // namespace gen::cli
