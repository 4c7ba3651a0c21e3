// Declared options: what a plugin (or a training stage) accepts with -O key=value,
// with a type, a range or a list of choices, and a default. The host validates
// every request against the declarations, so no plugin silently ignores a key and
// every plugin reports a bad value the same way; plugins then read typed values.
#pragma once
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <gen/export.h>

namespace gen {

enum class OptionType { integer, number, boolean, text, path, choice };

GEN_API const char* option_type_name(OptionType type);  // "int", "float", "bool", "string", "path", "choice"

struct GEN_API OptionSpec {
  std::string name;           // key used with -O name=value
  OptionType type = OptionType::text;
  std::string default_value;  // "" = unset (the plugin decides)
  std::string help;
  std::vector<std::string> choices;  // OptionType::choice only
  double min = -std::numeric_limits<double>::infinity();  // integer / number only
  double max = std::numeric_limits<double>::infinity();

  // Short constructors that read like a declaration table.
  static OptionSpec integer(std::string name, int64_t fallback, double min, double max, std::string help);
  static OptionSpec number(std::string name, double fallback, double min, double max, std::string help);
  static OptionSpec boolean(std::string name, bool fallback, std::string help);
  static OptionSpec text(std::string name, std::string fallback, std::string help);
  static OptionSpec path(std::string name, std::string help);
  static OptionSpec choice(std::string name, std::vector<std::string> choices, std::string fallback, std::string help);

  // "int in [1, 64]", "one of ring|grid", ... for help texts.
  std::string describe() const;
};

// Checks every key and value: an unknown key is a UsageError naming the nearest valid
// one; a value of the wrong type or out of range is a UsageError naming the key.
// `owner` goes into the message ("plugin 'template'", "training stage 'vae'").
GEN_API void validate_options(const std::map<std::string, std::string>& values, const std::vector<OptionSpec>& specs,
                              const std::string& owner);

// The closest of `candidates` to `word` by edit distance, or "" when none is close.
GEN_API std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates);

// Typed access to validated values, falling back to each spec's default.
class GEN_API OptionValues {
 public:
  OptionValues(std::map<std::string, std::string> values, std::vector<OptionSpec> specs);
  bool has(const std::string& key) const;  // given by the user (or a non-empty default)
  int64_t integer(const std::string& key) const;
  double number(const std::string& key) const;
  bool boolean(const std::string& key) const;
  std::string text(const std::string& key) const;  // text, path and choice options

 private:
  const OptionSpec& spec(const std::string& key) const;
  std::string raw(const std::string& key) const;
  std::map<std::string, std::string> values_;
  std::vector<OptionSpec> specs_;
};

}  // namespace gen
