// The prompt-travel rules of the shapes-in-motion captions (gen/shapes/motion_clips.h):
// every motion's words replaced by keyframe captions in the still dataset's own words,
// so a model whose image half learnt those stills can be told where the object is at
// each moment. Written from the caption tables themselves, so they cover every phrasing.
#include <algorithm>

#include <nlohmann/json.hpp>

#include <gen/shapes/motion_clips.h>
#include <gen/shapes/shapes_dataset.h>

namespace gen::shapes {

namespace {

using nlohmann::json;

// The motion's phrases, longest first: "bounces off the bottom" before "bounces".
json phrases_of(const std::string& motion) {
  auto words = motion_phrases(motion);
  std::stable_sort(words.begin(), words.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return words;
}

json keyframe(double at, const std::string& prompt) { return {{"at", at}, {"prompt", prompt}}; }

// A start and an end held over the first and last 30% of the clip, the text travelling
// in the middle 40%: the image model draws fewer frames from a blend of two places
// (docs/model-zoo.md, session 43: more clips move as captioned than with a blend over
// the whole clip).
constexpr double kHold = 0.3;

// "[that] <motion words>" -> a place at each keyframe.
json place_rule(const std::string& motion, const std::vector<std::pair<double, std::string>>& places) {
  json keys = json::array();
  for (const auto& [at, position] : places) keys.push_back(keyframe(at, position_phrase(position)));
  return {{"match", json::array({json::array({"that", ""}), phrases_of(motion)})}, {"keyframes", keys}};
}

// "a|an <colour> <shape> [that] <motion words>" -> "a <size> <colour> <shape> in the centre".
json size_rule(const std::string& motion, const std::string& from, const std::string& to) {
  const auto centre = " {2} {3} " + position_phrase("centre");
  return {{"match", json::array({json::array({"a", "an"}), "*", "*", json::array({"that", ""}), phrases_of(motion)})},
          {"keyframes", json::array({keyframe(0, "a " + from + centre), keyframe(kHold, "a " + from + centre),
                                     keyframe(1 - kHold, "a " + to + centre), keyframe(1, "a " + to + centre)})}};
}

// Appearing: the bare background first, the object (without motion words) from about
// when a fade ends. Caption shapes: "<object> [that] appears on a|, <bg> background",
// the object "a [size] <colour> <shape>", and "<bg> background with <object> appears".
json appear_keyframes(const std::string& bare, const std::string& shown) {
  return json::array({keyframe(0, bare), keyframe(0.25, bare), keyframe(0.65, shown), keyframe(1, shown)});
}

json appear_rules() {
  json rules = json::array();
  for (int words : {3, 2}) {  // "a large red circle", then "a red circle"
    json match = json::array({json::array({"a", "an"})});
    std::string object = "{1}";
    for (int w = 0; w < words; ++w) {
      match.push_back("*");
      object += " {" + std::to_string(w + 2) + "}";
    }
    for (const auto& s : {json::array({"that", ""}), phrases_of("appearing"), json::array({"on a", ","}), json("*"),
                          json::array({"background"})})
      match.push_back(s);
    const auto background = "{" + std::to_string(words + 5) + "}";
    rules.push_back({{"match", match},
                     {"keyframes", appear_keyframes("a " + background + " background",
                                                    object + " on a " + background + " background")}});
  }
  json match = json::array({"*", json::array({"background with"}), json::array({"a", "an"}), "*", "*", phrases_of("appearing")});
  rules.push_back({{"match", match}, {"keyframes", appear_keyframes("a {1} background", "{1} background with {3} {4} {5}")}});
  return rules;
}

}  // namespace

json clip_travel_rules() {
  json rules = json::array();
  const auto from_to = [](const std::string& from, const std::string& to) {
    return std::vector<std::pair<double, std::string>>{{0, from}, {kHold, from}, {1 - kHold, to}, {1, to}};
  };
  rules.push_back(place_rule("right", from_to("left", "right")));
  rules.push_back(place_rule("left", from_to("right", "left")));
  rules.push_back(place_rule("up", from_to("bottom", "top")));
  rules.push_back(place_rule("down", from_to("top", "bottom")));
  rules.push_back(size_rule("growing", "small", "large"));
  rules.push_back(size_rule("shrinking", "large", "small"));
  // A fall to the floor by about 45% of the clip, a rebound, a second landing.
  rules.push_back(place_rule("bouncing", {{0, "top"}, {0.45, "bottom"}, {0.75, "centre"}, {1, "bottom"}}));
  for (auto& r : appear_rules()) rules.push_back(r);
  return {{"rules", rules}};
}

}  // namespace gen::shapes
