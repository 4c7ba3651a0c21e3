// `--config FILE`: the same options as the command line, as JSON or YAML (YAML is a
// superset of JSON, so one yaml-cpp parser reads both). Keys are option long names
// ("steps", "cfg-scale" or "cfg_scale"); a map under "options" becomes --option
// key=value entries. The file's options are placed before everything the user typed,
// and every single-valued option keeps its last value, so the command line wins.
#pragma once
#include <string>
#include <vector>

namespace gen::cli {

// Replaces each `--config FILE` / `--config=FILE` in args (args[0] = program) by the
// file's options, inserted right after the subcommand words. Throws gen::InputError.
std::vector<std::string> expand_config_files(const std::vector<std::string>& args);

}  // namespace gen::cli
