#include <gen/option_values.h>

#include <cstdio>
#include <stdexcept>

#include <gen/error.h>

namespace gen {

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

double parse_number(const std::string& key, const std::string& text, double lo, double hi) {
  double v = 0;
  try {
    size_t used = 0;
    v = std::stod(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
  } catch (const std::exception&) {
    throw UsageError("option " + key + " must be a number, got '" + text + "'");
  }
  if (!(v >= lo && v <= hi))
    throw UsageError("option " + key + "=" + text + " is out of range [" + format_number(lo) + ", " + format_number(hi) + "]");
  return v;
}

int parse_integer(const std::string& key, const std::string& text, int lo, int hi) {
  const double v = parse_number(key, text, lo, hi);
  if (v != static_cast<int>(v)) throw UsageError("option " + key + " must be a whole number, got '" + text + "'");
  return static_cast<int>(v);
}

bool parse_bool(const std::string& key, const std::string& text) {
  if (text == "1" || text == "true" || text == "yes" || text == "on") return true;
  if (text == "0" || text == "false" || text == "no" || text == "off") return false;
  throw UsageError("option " + key + " must be true or false, got '" + text + "'");
}

double number_option(const std::map<std::string, std::string>& options, const std::string& key, double fallback,
                     double lo, double hi) {
  auto it = options.find(key);
  return it == options.end() || it->second.empty() ? fallback : parse_number(key, it->second, lo, hi);
}

}  // namespace gen
