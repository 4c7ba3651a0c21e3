#include "config_file.h"

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

namespace gen::cli {

namespace {

std::string option_name(std::string key) {
  std::replace(key.begin(), key.end(), '_', '-');
  return key;
}

std::string scalar_text(const YAML::Node& node) { return node.as<std::string>(); }

void add_items(const YAML::Node& map, std::vector<CLI::ConfigItem>& items) {
  for (const auto& kv : map) {
    const auto key = option_name(kv.first.as<std::string>());
    const YAML::Node& value = kv.second;
    CLI::ConfigItem item;
    if ((key == "options" || key == "option") && value.IsMap()) {
      item.name = "option";
      for (const auto& opt : value)
        item.inputs.push_back(opt.first.as<std::string>() + "=" + scalar_text(opt.second));
    } else if (value.IsSequence()) {
      item.name = key;
      for (const auto& v : value) item.inputs.push_back(scalar_text(v));
    } else if (value.IsScalar()) {
      item.name = key;
      item.inputs.push_back(scalar_text(value));
    } else if (value.IsNull()) {
      continue;
    } else {
      throw CLI::ConversionError("config key '" + key + "' must be a value or a list");
    }
    items.push_back(std::move(item));
  }
}

}  // namespace

std::vector<CLI::ConfigItem> JsonYamlConfig::from_config(std::istream& input) const {
  YAML::Node root;
  try {
    root = YAML::Load(input);
  } catch (const YAML::Exception& e) {
    throw CLI::FileError("config file is not valid JSON/YAML: " + std::string(e.what()));
  }
  if (root.IsNull()) return {};
  if (!root.IsMap()) throw CLI::FileError("config file must hold a map of option names to values");
  std::vector<CLI::ConfigItem> items;
  add_items(root, items);
  return items;
}

std::string JsonYamlConfig::to_config(const CLI::App* app, bool default_also, bool, std::string) const {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const CLI::Option* opt : app->get_options()) {
    if (opt->get_lnames().empty() || !opt->get_configurable()) continue;
    const auto& name = opt->get_lnames().front();
    if (opt->count() > 0) {
      auto results = opt->results();
      out[name] = results.size() == 1 ? nlohmann::ordered_json(results[0]) : nlohmann::ordered_json(results);
    } else if (default_also && !opt->get_default_str().empty()) {
      out[name] = opt->get_default_str();
    }
  }
  return out.dump(2) + "\n";
}

}  // namespace gen::cli
