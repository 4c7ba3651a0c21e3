#include <gen/humans/motion_record.h>

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include <gen/error.h>

namespace gen::humans {

namespace {

constexpr size_t kMaxLine = 1 << 16;
constexpr int64_t kMaxFrames = 1 << 20;
constexpr size_t kMaxCaptions = 64, kMaxText = 1000;

// A field's problem, without the line: parse_motion_jsonl adds where.
struct BadField {
  std::string message;
};

const nlohmann::json& field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) throw BadField{std::string("\"") + key + "\" is missing"};
  return *it;
}

std::string text_field(const nlohmann::json& j, const char* key, size_t max_length = kMaxText) {
  const auto& v = field(j, key);
  if (!v.is_string()) throw BadField{std::string("\"") + key + "\" must be a string"};
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() > max_length) throw BadField{std::string("\"") + key + "\" is longer than " + std::to_string(max_length)};
  return s;
}

int64_t integer_field(const nlohmann::json& j, const char* key, int64_t lo, int64_t hi) {
  const auto& v = field(j, key);
  if (!v.is_number_integer()) throw BadField{std::string("\"") + key + "\" must be an integer"};
  // Unsigned values above int64's range are out of range, not wrapped.
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(hi))
    throw BadField{std::string("\"") + key + "\" must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]"};
  const int64_t x = v.get<int64_t>();
  if (x < lo || x > hi)
    throw BadField{std::string("\"") + key + "\" must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]"};
  return x;
}

std::vector<std::string> strings_field(const nlohmann::json& j, const char* key, size_t min_count, size_t max_count) {
  const auto& v = field(j, key);
  if (!v.is_array() || v.size() < min_count || v.size() > max_count ||
      !std::all_of(v.begin(), v.end(), [](const auto& x) { return x.is_string() && x.template get_ref<const std::string&>().size() <= kMaxText; }))
    throw BadField{std::string("\"") + key + "\" must be a list of " + std::to_string(min_count) + " to " +
                   std::to_string(max_count) + " strings"};
  std::vector<std::string> out;
  for (const auto& x : v) out.push_back(x.get<std::string>());
  return out;
}

// A safetensors file name in the split's own folder: no path, no hidden file.
std::string file_field(const nlohmann::json& j) {
  const auto name = text_field(j, "file", 255);
  const std::string suffix = ".safetensors";
  const bool plain = !name.empty() && name[0] != '.' && name.find('/') == std::string::npos &&
                     name.find('\\') == std::string::npos && name.find('\0') == std::string::npos;
  if (!plain || name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
    throw BadField{"\"file\" must be a .safetensors file name in the split's folder"};
  return name;
}

void parse_actions(const nlohmann::json& j, MotionRecord& r) {
  const auto& list = field(j, "actions");
  if (!list.is_array() || list.empty() || list.size() > 2) throw BadField{"\"actions\" must be a list of one or two actions"};
  for (const auto& a : list) {
    if (!a.is_object()) throw BadField{"each of \"actions\" must be an object"};
    ActionSpec spec{text_field(a, "action", 64), text_field(a, "direction", 64), text_field(a, "speed", 64),
                    text_field(a, "repetitions", 64), text_field(a, "side", 64)};
    r.spec.actions.push_back(spec);
    ActionSpan span;
    span.start = integer_field(a, "start", 0, r.length);
    span.end = integer_field(a, "end", 0, r.length);
    span.count = static_cast<int>(integer_field(a, "count", 1, 64));
    if (span.end <= span.start) throw BadField{"an action's \"end\" must come after its \"start\""};
    r.spans.push_back(span);
  }
  if (auto problem = motion_spec_problem(r.spec); !problem.empty()) throw BadField{"\"actions\": " + problem};
}

MotionRecord record_of(const nlohmann::json& j) {
  if (!j.is_object()) throw BadField{"not a JSON object"};
  MotionRecord r;
  r.index = integer_field(j, "index", 0, kMaxFrames * 64);
  r.file = file_field(j);
  r.row = integer_field(j, "row", 0, kMaxFrames * 64);
  const auto& seed = field(j, "seed");
  if (!seed.is_number_unsigned() && !(seed.is_number_integer() && seed.get<int64_t>() >= 0))
    throw BadField{"\"seed\" must be a non-negative integer"};
  r.seed = seed.get<uint64_t>();
  r.length = integer_field(j, "length", 1, kMaxFrames);
  r.captions = strings_field(j, "captions", 1, kMaxCaptions);
  if (text_field(j, "caption") != r.captions[0]) throw BadField{"\"caption\" must be the first of \"captions\""};
  parse_actions(j, r);
  r.heldout = strings_field(j, "heldout", 0, 16);
  const auto& yaw = field(j, "start_yaw");
  if (!yaw.is_number() || !std::isfinite(yaw.get<double>()) || std::abs(yaw.get<double>()) > 360)
    throw BadField{"\"start_yaw\" must be a number of degrees in [-360, 360]"};
  r.start_yaw = yaw.get<double>();
  return r;
}

}  // namespace

nlohmann::json motion_record(const MotionRecord& r) {
  auto actions = nlohmann::json::array();
  for (size_t i = 0; i < r.spec.actions.size(); ++i) {
    const auto& a = r.spec.actions[i];
    const ActionSpan span = i < r.spans.size() ? r.spans[i] : ActionSpan{};
    actions.push_back({{"action", a.action},
                       {"direction", a.direction},
                       {"speed", a.speed},
                       {"repetitions", a.repetitions},
                       {"side", a.side},
                       {"start", span.start},
                       {"end", span.end},
                       {"count", span.count}});
  }
  return {{"index", r.index},
          {"file", r.file},
          {"row", r.row},
          {"seed", r.seed},
          {"length", r.length},
          {"caption", r.captions.empty() ? std::string() : r.captions[0]},
          {"captions", r.captions},
          {"actions", actions},
          {"heldout", r.heldout},
          {"start_yaw", std::round(r.start_yaw * 1000) / 1000}};
}

std::vector<MotionRecord> parse_motion_jsonl(std::string_view text, const std::string& name) {
  std::vector<MotionRecord> records;
  size_t line_number = 0;
  while (!text.empty()) {
    const size_t end = std::min(text.find('\n'), text.size());
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const std::string where = name + ": line " + std::to_string(line_number) + ": ";
    // A record is a few hundred bytes; a longer line is not one, and is not parsed
    // into a tree of unbounded size.
    if (line.size() > kMaxLine) throw InputError(where + "longer than " + std::to_string(kMaxLine) + " bytes");
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line.begin(), line.end());
    } catch (const nlohmann::json::exception& e) {
      throw InputError(where + "not JSON (" + e.what() + ")");
    }
    try {
      records.push_back(record_of(j));
    } catch (const BadField& e) {
      throw InputError(where + e.message);
    } catch (const UsageError& e) {
      throw InputError(where + e.what());
    }
  }
  return records;
}

}  // namespace gen::humans
