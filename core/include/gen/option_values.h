// Plugin option values (-O key=value) parsed with one clear UsageError each, so every
// plugin reports a bad value the same way.
#pragma once
#include <map>
#include <string>

#include <gen/export.h>

namespace gen {

// The shortest "%g" text of a number ("0.75", "1e-07"), as messages and metadata show it.
GEN_API std::string format_number(double v);
GEN_API double parse_number(const std::string& key, const std::string& text, double lo, double hi);
GEN_API int parse_integer(const std::string& key, const std::string& text, int lo, int hi);
GEN_API bool parse_bool(const std::string& key, const std::string& text);
// options[key] parsed as a number in [lo, hi], or `fallback` when the key is absent or empty.
GEN_API double number_option(const std::map<std::string, std::string>& options, const std::string& key,
                             double fallback, double lo, double hi);

}  // namespace gen
