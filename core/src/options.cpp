#include <gen/options.h>

#include <algorithm>
#include <cmath>

#include <gen/error.h>
#include <gen/option_values.h>

namespace gen {
namespace {

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string s;
  for (const auto& item : items) s += (s.empty() ? "" : separator) + item;
  return s;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// Parses (and so checks) one value against its declaration.
void check_value(const OptionSpec& spec, const std::string& value) {
  switch (spec.type) {
    case OptionType::integer: {
      const double lo = std::max(spec.min, -9.0e15), hi = std::min(spec.max, 9.0e15);
      const double v = parse_number(spec.name, value, lo, hi);
      if (v != static_cast<double>(static_cast<int64_t>(v)))
        throw UsageError("option " + spec.name + " must be a whole number, got '" + value + "'");
      break;
    }
    case OptionType::number: parse_number(spec.name, value, spec.min, spec.max); break;
    case OptionType::boolean: parse_bool(spec.name, value); break;
    case OptionType::choice:
      if (std::find(spec.choices.begin(), spec.choices.end(), value) == spec.choices.end())
        throw UsageError("option " + spec.name + " must be one of " + joined(spec.choices, ", ") + ", got '" +
                         value + "'");
      break;
    case OptionType::text:
    case OptionType::path: break;
  }
}

}  // namespace

const char* option_type_name(OptionType type) {
  switch (type) {
    case OptionType::integer: return "int";
    case OptionType::number: return "float";
    case OptionType::boolean: return "bool";
    case OptionType::text: return "string";
    case OptionType::path: return "path";
    case OptionType::choice: return "choice";
  }
  return "string";
}

OptionSpec OptionSpec::integer(std::string name, int64_t fallback, double min, double max, std::string help) {
  return {std::move(name), OptionType::integer, std::to_string(fallback), std::move(help), {}, min, max};
}
OptionSpec OptionSpec::number(std::string name, double fallback, double min, double max, std::string help) {
  return {std::move(name), OptionType::number, format_number(fallback), std::move(help), {}, min, max};
}
OptionSpec OptionSpec::boolean(std::string name, bool fallback, std::string help) {
  return {std::move(name), OptionType::boolean, fallback ? "true" : "false", std::move(help), {"true", "false"}};
}
OptionSpec OptionSpec::text(std::string name, std::string fallback, std::string help) {
  return {std::move(name), OptionType::text, std::move(fallback), std::move(help), {}};
}
OptionSpec OptionSpec::path(std::string name, std::string help) {
  return {std::move(name), OptionType::path, "", std::move(help), {}};
}
OptionSpec OptionSpec::choice(std::string name, std::vector<std::string> choices, std::string fallback,
                              std::string help) {
  return {std::move(name), OptionType::choice, std::move(fallback), std::move(help), std::move(choices)};
}

std::string OptionSpec::describe() const {
  std::string s = option_type_name(type);
  if (type == OptionType::choice) return "one of " + joined(choices, "|");
  const bool lo = std::isfinite(min), hi = std::isfinite(max);
  if (lo && hi) s += " in [" + format_number(min) + ", " + format_number(max) + "]";
  else if (lo) s += " >= " + format_number(min);
  else if (hi) s += " <= " + format_number(max);
  return s;
}

std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;  // farther than this is no suggestion
  for (const auto& c : candidates) {
    const size_t d = edit_distance(word, c);
    if (d < best_distance || (c.rfind(word, 0) == 0 && best.empty())) best = c, best_distance = d;
  }
  return best;
}

void validate_options(const std::map<std::string, std::string>& values, const std::vector<OptionSpec>& specs,
                      const std::string& owner) {
  std::vector<std::string> names;
  for (const auto& s : specs) names.push_back(s.name);
  for (const auto& [key, value] : values) {
    auto it = std::find_if(specs.begin(), specs.end(), [&](const OptionSpec& s) { return s.name == key; });
    if (it == specs.end()) {
      if (names.empty()) throw UsageError(owner + " takes no -O options, got '" + key + "'");
      const auto near = nearest_name(key, names);
      throw UsageError(owner + " has no option '" + key + "'" +
                       (near.empty() ? "" : "; did you mean '" + near + "'?") + " (valid: " + joined(names, ", ") + ")");
    }
    check_value(*it, value);
  }
}

OptionValues::OptionValues(std::map<std::string, std::string> values, std::vector<OptionSpec> specs)
    : values_(std::move(values)), specs_(std::move(specs)) {}

const OptionSpec& OptionValues::spec(const std::string& key) const {
  for (const auto& s : specs_)
    if (s.name == key) return s;
  throw Error("option '" + key + "' is read but not declared");  // a plugin bug, not a user error
}

std::string OptionValues::raw(const std::string& key) const {
  const auto& s = spec(key);
  auto it = values_.find(key);
  return it != values_.end() ? it->second : s.default_value;
}

bool OptionValues::has(const std::string& key) const { return !raw(key).empty(); }

int64_t OptionValues::integer(const std::string& key) const {
  const auto& s = spec(key);
  return static_cast<int64_t>(parse_number(key, raw(key), std::max(s.min, -9.0e15), std::min(s.max, 9.0e15)));
}

double OptionValues::number(const std::string& key) const {
  const auto& s = spec(key);
  return parse_number(key, raw(key), s.min, s.max);
}

bool OptionValues::boolean(const std::string& key) const { return parse_bool(key, raw(key)); }

std::string OptionValues::text(const std::string& key) const { return raw(key); }

}  // namespace gen
