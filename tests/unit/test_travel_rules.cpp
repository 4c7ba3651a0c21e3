// Prompt-travel rules (gen/travel_rules.h): word-level matching with slots and captures,
// the first matching rule winning, keyframe prompts filled from what the slots matched,
// one clear InputError for every malformed file, polynomial time on hostile rules, and
// keyframe weights that blend neighbouring keyframes frame by frame.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/travel_rules.h>

#include "test_util.h"

namespace {

using nlohmann::json;

json right_rule() {
  return json::parse(R"({"match": [["that", ""], ["moves to the right", "moving right"]],
                         "keyframes": [{"at": 0, "prompt": "on the left"}, {"at": 1, "prompt": "on the right"}]})");
}

json growing_rule() {
  return json::parse(R"({"match": [["a", "an"], "*", "*", ["growing", "grows"]],
                         "keyframes": [{"at": 0, "prompt": "a small {2} {3}"}, {"at": 1, "prompt": "a large {2} {3}"}]})");
}

json one_rule(const json& rule) { return json::parse("{\"rules\": [" + rule.dump() + "]}"); }

gen::TravelRules rules(const std::vector<json>& list) {
  json all = json::object();
  all["rules"] = json::array();
  for (const auto& r : list) all["rules"].push_back(r);
  return gen::TravelRules::parse(all.dump(), "test");
}

std::vector<std::string> prompts(const std::vector<gen::TravelKeyframe>& keys) {
  std::vector<std::string> out;
  for (const auto& k : keys) out.push_back(k.prompt);
  return out;
}

}  // namespace

TEST(TravelRules, ReplacesTheMatchedWordsAndKeepsTheRest) {
  const auto r = rules({right_rule(), growing_rule()});
  EXPECT_EQ(r.size(), 2u);
  const auto keys = r.keyframes_for("a big red circle that moves to the right, blue background");
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].at, 0.0);
  EXPECT_EQ(keys[1].at, 1.0);
  EXPECT_EQ(prompts(keys), (std::vector<std::string>{"a big red circle on the left, blue background",
                                                      "a big red circle on the right, blue background"}));
  // The optional slot, matched as nothing; case does not matter.
  EXPECT_EQ(prompts(r.keyframes_for("A star Moving Right on gray")),
            (std::vector<std::string>{"A star on the left on gray", "A star on the right on gray"}));
  // Captures: {k} is what slot k matched, in the prompt's own spelling.
  EXPECT_EQ(prompts(r.keyframes_for("an Orange ring grows on a blue background")),
            (std::vector<std::string>{"a small Orange ring on a blue background", "a large Orange ring on a blue background"}));
}

TEST(TravelRules, NoMatchGivesNoKeyframesAndTheFirstRuleWins) {
  const auto r = rules({right_rule(), growing_rule()});
  EXPECT_TRUE(r.keyframes_for("a red circle on a blue background").empty());
  EXPECT_TRUE(r.keyframes_for("").empty());
  EXPECT_TRUE(r.keyframes_for("a red circle growingly").empty());  // words, not substrings
  // Both rules match; the first listed one is used.
  const auto keys = r.keyframes_for("a red circle growing and moving right");
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].prompt, "a red circle growing and on the left");
  // A "*" is one word, never punctuation.
  EXPECT_TRUE(rules({growing_rule()}).keyframes_for("a red , growing").empty());
}

// "**" takes as many words and marks as let the rest of the match follow, so a sequence
// splits at its connective and the last span runs to the prompt's end.
TEST(TravelRules, SpansSplitASequenceAtItsConnective) {
  const auto then_rule = json::parse(R"({"match": [["a person", "someone"], "**", [", then", "then"], "**"],
      "keyframes": [{"at": 0, "prompt": "{1} {2}"}, {"at": 0.4, "prompt": "{1} {2}"},
                    {"at": 0.6, "prompt": "{1} {4}"}, {"at": 1, "prompt": "{1} {4}"}]})");
  const auto r = rules({then_rule});
  EXPECT_EQ(prompts(r.keyframes_for("A person walks forward slowly then jumps twice")),
            (std::vector<std::string>{"A person walks forward slowly", "A person walks forward slowly",
                                      "A person jumps twice", "A person jumps twice"}));
  // The greedy first span takes the comma, but a span's marks at its edges are not its words.
  EXPECT_EQ(prompts(r.keyframes_for("someone runs, then sits down")).front(), "someone runs");
  EXPECT_EQ(prompts(r.keyframes_for("someone runs, then sits down")).back(), "someone sits down");
  // Spans hold at least one word: nothing between the subject and "then" is no match.
  EXPECT_TRUE(r.keyframes_for("a person then jumps").empty());
  EXPECT_TRUE(r.keyframes_for("a person walks then").empty());
  // Text before the match is kept in every keyframe.
  EXPECT_EQ(prompts(r.keyframes_for("first someone waves then claps")).back(), "first someone claps");
}

TEST(TravelRules, MalformedFilesAreOneInputError) {
  const auto bad = [](const std::string& text) {
    try {
      gen::TravelRules::parse(text, "rules.json");
    } catch (const gen::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("rules.json"), std::string::npos) << e.what();
      return true;
    }
    return false;
  };
  EXPECT_TRUE(bad("{"));
  EXPECT_TRUE(bad("[]"));
  EXPECT_TRUE(bad(R"({"rules": 3})"));
  EXPECT_TRUE(bad(R"({"rules": [{"match": [], "keyframes": []}]})"));
  auto r = right_rule();
  r["keyframes"][1]["at"] = 0;  // times must rise
  EXPECT_TRUE(bad(one_rule(r).dump()));
  r = right_rule();
  r["keyframes"][1]["at"] = 1.5;
  EXPECT_TRUE(bad(one_rule(r).dump()));
  r = right_rule();
  r["keyframes"].erase(1);  // one keyframe is no travel
  EXPECT_TRUE(bad(one_rule(r).dump()));
  r = growing_rule();
  r["keyframes"][0]["prompt"] = "a {5} thing";  // four slots
  EXPECT_TRUE(bad(one_rule(r).dump()));
  r = right_rule();
  r["match"][0] = "?";  // a slot is "*", "**" or a list
  EXPECT_TRUE(bad(one_rule(r).dump()));
  r = right_rule();
  r["match"][0] = json::parse("[1, 2]");
  EXPECT_TRUE(bad(one_rule(r).dump()));
  EXPECT_FALSE(bad(R"({"rules": []})"));
  gen::test::TempDir dir;
  gen::test::write_text(dir / "r.json", "{\"rules\": [");
  EXPECT_THROW(gen::TravelRules::load(dir / "r.json"), gen::InputError);
  EXPECT_THROW(gen::TravelRules::load(dir / "missing.json"), gen::InputError);
}

// Sixty-four optional slots over a thousand words that each could fill any of them: a
// backtracking matcher would never finish; the memoised one answers at once (this test
// would time out otherwise).
TEST(TravelRules, HostileRulesMatchInPolynomialTime) {
  json rule = json::parse(R"({"match": [], "keyframes": [{"at": 0, "prompt": "x"}, {"at": 1, "prompt": "y"}]})");
  for (int i = 0; i < 63; ++i) rule["match"].push_back(json::array({"a", "a a", ""}));
  rule["match"].push_back(json::array({"b"}));
  const auto r = rules({rule});
  std::string prompt;
  for (int i = 0; i < 1000; ++i) prompt += "a ";
  EXPECT_TRUE(r.keyframes_for(prompt + "c").empty());
  EXPECT_EQ(prompts(r.keyframes_for(prompt + "b")).back().substr(0, 2), "a ");
  // Spans that could each end anywhere: still memoised, (slots x words^2) at worst.
  json spans = json::parse(R"({"match": [], "keyframes": [{"at": 0, "prompt": "x"}, {"at": 1, "prompt": "y"}]})");
  for (int i = 0; i < 16; ++i) spans["match"].push_back("**");
  spans["match"].push_back(json::array({"b"}));
  EXPECT_TRUE(rules({spans}).keyframes_for(prompt + "c").empty());
  EXPECT_EQ(prompts(rules({spans}).keyframes_for(prompt + "b")).back(), "y");
}

TEST(TravelRules, KeyframeWeightsBlendNeighboursFrameByFrame) {
  const std::vector<gen::TravelKeyframe> keys{{0.25, "a"}, {0.5, "b"}, {1.0, "c"}};
  const auto w = gen::keyframe_weights(keys, 5);  // frames at t = 0, .25, .5, .75, 1
  ASSERT_EQ(w.sizes(), (std::vector<int64_t>{5, 3}));
  const auto expected = torch::tensor({1.f, 0.f, 0.f, 1.f, 0.f, 0.f, 0.f, 1.f, 0.f, 0.f, .5f, .5f, 0.f, 0.f, 1.f}).view({5, 3});
  EXPECT_TRUE(torch::allclose(w, expected)) << w;
  EXPECT_TRUE(torch::allclose(gen::keyframe_weights(keys, 1), torch::tensor({1.f, 0.f, 0.f}).view({1, 3})));
  EXPECT_THROW(gen::keyframe_weights({}, 4), gen::Error);
}
