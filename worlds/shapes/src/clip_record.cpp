#include <gen/shapes/clip_record.h>

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/shapes/shapes_dataset.h>

namespace gen::shapes {

namespace {

constexpr size_t kMaxLine = 1 << 16;

// A field's problem, without the line: parse_clip_jsonl adds where.
struct BadField {
  std::string message;
};

std::string name_field(const nlohmann::json& j, const char* key, const std::vector<std::string>& allowed) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) throw BadField{std::string("\"") + key + "\" must be a string"};
  const auto& value = it->get_ref<const std::string&>();
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    // The value is quoted cut short: a hostile line must not make a megabyte message.
    throw BadField{std::string("\"") + key + "\" is '" + value.substr(0, 40) + "', not one of the known names"};
  }
  return value;
}

double number_field(const nlohmann::json& j, const char* key, double lo, double hi) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) throw BadField{std::string("\"") + key + "\" must be a number"};
  const double v = it->get<double>();
  if (!std::isfinite(v) || v < lo || v > hi)
    throw BadField{std::string("\"") + key + "\" must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]"};
  return v;
}

ShapeClip clip_of(const nlohmann::json& j) {
  if (!j.is_object()) throw BadField{"not a JSON object"};
  ShapeClip c;
  c.shape = name_field(j, "shape", shape_names());
  c.color = name_field(j, "color", shape_colors());
  c.size = name_field(j, "size", {"", "small", "large"});
  c.background = name_field(j, "background", background_colors());
  c.motion = name_field(j, "motion", motion_names());
  // Centres may sit on the frame's edge, not beyond; a circumradius over half the
  // frame cannot be drawn inside it.
  c.x = number_field(j, "x", 0, 1), c.y = number_field(j, "y", 0, 1);
  c.end_x = number_field(j, "end_x", 0, 1), c.end_y = number_field(j, "end_y", 0, 1);
  c.radius = number_field(j, "radius", 0.01, 0.5), c.end_radius = number_field(j, "end_radius", 0.01, 0.5);
  c.bounce_time = number_field(j, "bounce_time", 0.001, 1), c.restitution = number_field(j, "restitution", 0, 1);
  c.fade_start = number_field(j, "fade_start", 0, 1), c.fade_end = number_field(j, "fade_end", 0, 1);
  if (c.fade_end < c.fade_start) throw BadField{"\"fade_end\" is before \"fade_start\""};
  if (auto it = j.find("captions"); it != j.end()) {
    if (!it->is_array() || !std::all_of(it->begin(), it->end(), [](const auto& v) { return v.is_string(); }))
      throw BadField{"\"captions\" must be an array of strings"};
  }
  return c;
}

}  // namespace

nlohmann::json clip_record(const ShapeClip& c) {
  auto captions = nlohmann::json::array();
  for (int p = 0; p < clip_caption_phrasings(); ++p) captions.push_back(caption_clip(c, p));
  return {{"shape", c.shape},
          {"color", c.color},
          {"size", c.size},
          {"background", c.background},
          {"motion", c.motion},
          {"x", c.x},
          {"y", c.y},
          {"end_x", c.end_x},
          {"end_y", c.end_y},
          {"radius", c.radius},
          {"end_radius", c.end_radius},
          {"bounce_time", c.bounce_time},
          {"restitution", c.restitution},
          {"fade_start", c.fade_start},
          {"fade_end", c.fade_end},
          {"captions", captions}};
}

std::vector<ShapeClip> parse_clip_jsonl(std::string_view text, const std::string& name) {
  std::vector<ShapeClip> clips;
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
      clips.push_back(clip_of(j));
    } catch (const BadField& e) {
      throw InputError(where + e.message);
    }
  }
  return clips;
}

}  // namespace gen::shapes
