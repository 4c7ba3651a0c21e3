#include "config_file.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include <gen/error.h>

namespace gen::cli {

namespace {

std::string option_name(std::string key) {
  std::replace(key.begin(), key.end(), '_', '-');
  return key;
}

std::string scalar(const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) throw InputError("config key '" + key + "' must be a single value");
  return node.as<std::string>();
}

std::vector<std::string> config_args(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw InputError("config file not found: " + path);
  if (!std::filesystem::is_regular_file(status))
    throw InputError("config file " + path + " is not a regular file (a JSON or YAML file is expected)");
  if (std::filesystem::file_size(path, ec) == 0) throw InputError("config file " + path + " is empty");
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw InputError("config file " + path + " is not valid JSON/YAML: " + e.msg);
  }
  if (root.IsNull()) throw InputError("config file " + path + " holds no options");
  if (!root.IsMap()) throw InputError("config file " + path + " must map option names to values");
  std::vector<std::string> args;
  for (const auto& kv : root) {
    const auto key = option_name(kv.first.as<std::string>());
    const YAML::Node& value = kv.second;
    if (key == "config") throw InputError("config file " + path + " may not name another config file");
    if ((key == "options" || key == "option") && value.IsMap()) {
      for (const auto& opt : value)
        args.push_back("--option=" + opt.first.as<std::string>() + "=" + scalar(opt.second, key));
    } else if (value.IsSequence()) {
      for (const auto& v : value) args.push_back("--" + key + "=" + scalar(v, key));
    } else if (!value.IsNull()) {
      args.push_back("--" + key + "=" + scalar(value, key));
    }
  }
  return args;
}

// "--steps=3" -> "--steps"
std::string flag_name(const std::string& arg) { return arg.substr(0, arg.find('=')); }

}  // namespace

std::vector<std::string> expand_config_files(const std::vector<std::string>& args) {
  std::vector<std::string> out, from_files;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--config") {
      if (i + 1 >= args.size()) throw UsageError("--config needs a file name");
      auto more = config_args(args[++i]);
      from_files.insert(from_files.end(), more.begin(), more.end());
    } else if (a.rfind("--config=", 0) == 0) {
      auto more = config_args(a.substr(9));
      from_files.insert(from_files.end(), more.begin(), more.end());
    } else {
      out.push_back(a);
    }
  }
  // A list option the user typed replaces the file's list instead of extending it
  // (single values need no help: the last one wins). -O keys are merged, not replaced.
  std::set<std::string> typed;
  for (const auto& a : out)
    if (a.rfind("--", 0) == 0) typed.insert(flag_name(a));
  from_files.erase(std::remove_if(from_files.begin(), from_files.end(),
                                  [&](const std::string& a) { return flag_name(a) != "--option" && typed.count(flag_name(a)); }),
                   from_files.end());
  // After the program name and the subcommand words (`image`, `eval image`, `train
  // PLUGIN`), before the first option the user typed, so the command line wins.
  size_t at = std::min<size_t>(1, out.size());
  while (at < out.size() && !out[at].empty() && out[at][0] != '-') ++at;
  out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), from_files.begin(), from_files.end());
  return out;
}

}  // namespace gen::cli
