// Finds plugins for a command and turns registry failures into one clear line.
#pragma once
#include <string>

#include <gen/registry.h>

namespace gen::cli {

// Discovers plugins in the default folders; logs (debug) each file that failed.
PluginRegistry discover_plugins();

// " (N plugin files failed to load: first-path: reason)" or "".
std::string failure_hint(const PluginRegistry& registry);

}  // namespace gen::cli
