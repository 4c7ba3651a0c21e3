// `--config FILE`: the same options as the command line, as JSON or YAML
// (YAML is a superset of JSON, so one yaml-cpp parser reads both). Keys are option
// long names ("steps", "cfg-scale" or "cfg_scale"); a map under "options" becomes
// --option key=value entries. Values given on the command line win.
#pragma once
#include <CLI/CLI.hpp>

namespace gen::cli {

class JsonYamlConfig : public CLI::Config {
 public:
  std::string to_config(const CLI::App* app, bool default_also, bool write_description,
                        std::string prefix) const override;
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;
};

}  // namespace gen::cli
