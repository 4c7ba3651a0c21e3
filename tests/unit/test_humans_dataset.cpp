// The humans world's data: captions word every label, the held-out combinations never
// reach training while every action and value still does, and `gen data motion`'s
// dataset is a pure function of its seed whose reader gets back exactly what was
// written and refuses broken or hostile files with one clear error.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/humans/animator.h>
#include <gen/humans/captions.h>
#include <gen/humans/heldout_split.h>
#include <gen/humans/motion_dataset.h>
#include <gen/humans/motion_record.h>
#include <gen/motion/motion_io.h>
#include <gen/safetensors.h>
#include <gen/travel_rules.h>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using namespace gen::humans;

bool mentions(const std::string& caption, std::initializer_list<const char*> words) {
  return std::any_of(words.begin(), words.end(), [&](const char* w) { return caption.find(w) != std::string::npos; });
}

// The words a caption must hold for each label value (synonyms allowed).
void expect_worded(const ActionSpec& a, const std::string& c) {
  SCOPED_TRACE(c);
  if (a.direction == "backward") EXPECT_TRUE(mentions(c, {"backward", "reverse"}));
  if (a.direction == "left" || a.direction == "turning_left") EXPECT_TRUE(mentions(c, {"left"}));
  if (a.direction == "right" || a.direction == "turning_right") EXPECT_TRUE(mentions(c, {"right"}));
  if (a.direction == "turning_left" || a.direction == "turning_right") EXPECT_TRUE(mentions(c, {"turn", "curve"}));
  if (a.direction == "circle") EXPECT_TRUE(mentions(c, {"circle"}));
  if (a.direction == "around") EXPECT_TRUE(mentions(c, {"around"}));
  if (a.speed == "slow") EXPECT_TRUE(mentions(c, {"slow", "stroll", "ambl", "leisurely", "jog", "careful", "gradual"}));
  if (a.speed == "fast") EXPECT_TRUE(mentions(c, {"quick", "fast", "rapid", "brisk", "hurr", "sprint", "dash", "swift", "abrupt"}));
  if (a.repetitions == "twice") EXPECT_TRUE(mentions(c, {"twice", "two times"}));
  if (a.repetitions == "three_times") EXPECT_TRUE(mentions(c, {"three", "3 times", "thrice"}));
  if (a.repetitions == "repeatedly") EXPECT_TRUE(mentions(c, {"repeatedly", "several", "over and over", "again", "multiple"}));
  if (!a.side.empty() && a.direction != "circle") EXPECT_TRUE(mentions(c, {a.side.c_str()}));
}

const std::map<std::string, std::vector<const char*>> kVerbs{
    {"walk", {"walk", "stroll", "ambl", "hurr"}}, {"run", {"run", "jog", "sprint", "dash"}},
    {"side_step", {"side", "sideways"}},           {"turn", {"turn", "rotat"}},
    {"jump", {"jump", "hop", "leap"}},             {"kick", {"kick"}},
    {"wave", {"wav"}},                              {"clap", {"clap"}},
    {"raise_arms", {"arms", "hands up"}},          {"crouch", {"crouch", "squat"}},
    {"sit_down", {"sit", "seat"}},                  {"stand", {"stand", "still"}}};

TEST(HumansCaptions, EveryLabelIsWorded) {
  for (uint64_t seed = 0; seed < 400; ++seed) {
    const auto spec = random_motion_spec(seed, seed % 3 == 0);
    const auto captions = caption_motion(spec, seed, 5);
    ASSERT_EQ(captions.size(), 5u) << describe(spec);
    for (const auto& c : captions) {
      for (const auto& a : spec.actions) {
        expect_worded(a, c);
        const auto& verbs = kVerbs.at(a.action);
        EXPECT_TRUE(std::any_of(verbs.begin(), verbs.end(), [&](const char* v) { return c.find(v) != std::string::npos; }))
            << a.action << ": " << c;
      }
      if (spec.actions.size() == 2) EXPECT_TRUE(mentions(c, {"then", "after"})) << c;
      EXPECT_EQ(c.find('{'), std::string::npos) << c;  // every placeholder filled
      EXPECT_EQ(c.find("  "), std::string::npos) << c;
    }
  }
}

// The world's travel rules split every sequence caption it writes into one caption per
// action, each with the subject, its action's verb and every label worded, and no
// connective left; single actions match no rule.
TEST(HumansCaptions, TravelRulesSplitEverySequenceIntoItsActions) {
  const auto rules = gen::TravelRules::parse(sequence_travel_rules().dump(), "sequence rules");
  int sequences = 0;
  for (uint64_t seed = 0; seed < 400; ++seed) {
    const auto spec = random_motion_spec(seed, seed % 3 == 0);
    for (const auto& c : caption_motion(spec, seed, 5)) {
      SCOPED_TRACE(c);
      const auto keys = rules.keyframes_for(c);
      if (spec.actions.size() == 1) {
        EXPECT_TRUE(keys.empty());
        continue;
      }
      ++sequences;
      ASSERT_EQ(keys.size(), 4u);
      EXPECT_EQ(keys.front().at, 0.0);
      EXPECT_EQ(keys.back().at, 1.0);
      const std::string parts[2] = {keys.front().prompt, keys.back().prompt};
      EXPECT_EQ(keys[1].prompt, parts[0]);
      EXPECT_EQ(keys[2].prompt, parts[1]);
      for (int k = 0; k < 2; ++k) {
        SCOPED_TRACE(parts[k]);
        const auto& a = spec.actions[static_cast<size_t>(k)];
        expect_worded(a, parts[k]);
        const auto& verbs = kVerbs.at(a.action);
        EXPECT_TRUE(std::any_of(verbs.begin(), verbs.end(), [&](const char* v) { return parts[k].find(v) != std::string::npos; }));
        EXPECT_FALSE(mentions(parts[k], {" then", "after", "first ", ","}));
        EXPECT_TRUE(mentions(parts[k], {"person", "someone", "man", "woman", "human", "figure"}));
      }
    }
  }
  EXPECT_GT(sequences, 300);
}

TEST(HumansCaptions, PhrasingsDifferAndTheSeedDecides) {
  MotionSpec spec{{ActionSpec{"walk", "forward", "slow", "", ""}}};
  const auto a = caption_motion(spec, 1, 6), b = caption_motion(spec, 1, 6), c = caption_motion(spec, 2, 6);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(std::set<std::string>(a.begin(), a.end()).size(), a.size());
  // The brief's examples are all within reach of the vocabulary.
  std::set<std::string> seen;
  for (uint64_t seed = 0; seed < 300; ++seed) {
    for (const auto& s : caption_motion(MotionSpec{{ActionSpec{"run", "forward", "normal", "", ""}}}, seed, 5)) seen.insert(s);
    for (const auto& s : caption_motion(MotionSpec{{ActionSpec{"wave", "", "", "", "right"}}}, seed, 5)) seen.insert(s);
    for (const auto& s : caption_motion(MotionSpec{{ActionSpec{"run", "forward", "normal", "", ""},
                                                    ActionSpec{"jump", "in_place", "", "once", ""}}}, seed, 5))
      seen.insert(s);
  }
  auto seen_with = [&](const std::string& words) {
    return std::any_of(seen.begin(), seen.end(), [&](const std::string& s) { return s.find(words) != std::string::npos; });
  };
  EXPECT_TRUE(seen.count("the person jogs"));
  EXPECT_TRUE(seen.count("a person waves with the right hand"));
  EXPECT_TRUE(seen_with("runs forward then jumps"));
}

TEST(HumansHeldout, HeldOutCombinationsNeverTrainButTheirPartsDo) {
  std::set<std::string> actions, values, sequence_firsts, sequence_seconds;
  for (uint64_t seed = 0; seed < 6000; ++seed) {
    const auto spec = random_motion_spec(seed, false);
    ASSERT_TRUE(motion_spec_problem(spec).empty()) << describe(spec);
    ASSERT_FALSE(is_heldout(spec)) << describe(spec);
    for (const auto& a : spec.actions) {
      actions.insert(a.action);
      for (const auto* v : {&a.direction, &a.speed, &a.repetitions, &a.side})
        if (!v->empty()) values.insert(*v);
    }
    if (spec.actions.size() == 2) sequence_firsts.insert(spec.actions[0].action), sequence_seconds.insert(spec.actions[1].action);
  }
  EXPECT_EQ(actions.size(), action_names().size());
  for (const auto& c : heldout_combinations()) {
    if (c.kind == "sequence") {
      EXPECT_TRUE(sequence_firsts.count(c.first) && sequence_seconds.count(c.second)) << c.name();
    } else {
      EXPECT_TRUE(values.count(c.second)) << c.name() << ": the value never trains with another action";
    }
  }
  std::set<std::string> hit;
  for (uint64_t seed = 0; seed < 1500; ++seed) {
    const auto spec = random_motion_spec(seed, true);
    const auto matches = heldout_matches(spec);
    ASSERT_FALSE(matches.empty()) << describe(spec);
    for (const auto& m : matches) hit.insert(m.name());
  }
  EXPECT_EQ(hit.size(), heldout_combinations().size());
  EXPECT_TRUE(is_heldout(MotionSpec{{ActionSpec{"kick", "", "", "once", "left"}}}));
  EXPECT_TRUE(is_heldout(MotionSpec{{ActionSpec{"walk", "forward", "slow", "", ""}, ActionSpec{"sit_down", "", "fast", "", ""}}}));
  EXPECT_FALSE(is_heldout(MotionSpec{{ActionSpec{"sit_down", "", "fast", "", ""}}}));
}

// The share of two-action sequences follows the probability asked for, on both sides of
// the split; the default is the world's, and a share above 1 is refused.
TEST(HumansHeldout, SequenceProbabilitySetsTheShareOfSequences) {
  auto share = [](double p, bool heldout) {
    int sequences = 0;
    for (uint64_t seed = 0; seed < 600; ++seed) sequences += random_motion_spec(seed, heldout, p).actions.size() == 2;
    return sequences / 600.0;
  };
  EXPECT_EQ(share(0, false), 0.0);
  EXPECT_EQ(share(1, false), 1.0);
  EXPECT_NEAR(share(0.7, false), 0.7, 0.08);
  EXPECT_GT(share(0.7, false), share(-1, false) + 0.2);
  EXPECT_GT(share(0.7, true), share(-1, true));
  EXPECT_DOUBLE_EQ(default_sequence_probability(), 0.4);
  for (uint64_t seed = 0; seed < 50; ++seed)
    EXPECT_EQ(describe(random_motion_spec(seed, false)), describe(random_motion_spec(seed, false, 0.4)));
  EXPECT_THROW(random_motion_spec(1, false, 1.5), gen::UsageError);
  EXPECT_THROW(random_motion_spec(1, false, std::nan("")), gen::UsageError);
}

MotionDatasetOptions small_options(uint64_t seed = 3) {
  MotionDatasetOptions o;
  o.train_count = 7;
  o.heldout_count = 3;
  o.seed = seed;
  o.max_frames = 196;
  o.captions = 3;
  o.shard_size = 4;  // several files per split
  o.examples = 1;
  return o;
}

std::string bytes(const fs::path& p) { return gen::test::read_text(p); }

TEST(HumansDataset, WritesWhatItReadsBackAndRegenerates) {
  gen::test::TempDir dir;
  int64_t reports = 0;
  write_motion_dataset(dir.path(), small_options(), [&](const gen::Progress&) {
    ++reports;
    return gen::ProgressAction::proceed;
  });
  EXPECT_GE(reports, 2);
  EXPECT_TRUE(fs::is_regular_file(dir / "train" / "motions_000.safetensors"));
  EXPECT_TRUE(fs::is_regular_file(dir / "train" / "motions_001.safetensors"));
  const auto train = load_motion_dataset(dir.path(), "train");
  ASSERT_EQ(train.records.size(), 7u);
  EXPECT_EQ(train.positions.sizes(), (std::vector<int64_t>{7, 196, 22, 3}));
  EXPECT_EQ(train.rotations.sizes(), (std::vector<int64_t>{7, 196, 22, 4}));
  EXPECT_EQ(train.fps, 20.0);
  for (size_t i = 0; i < train.records.size(); ++i) {
    const auto& r = train.records[i];
    EXPECT_TRUE(r.heldout.empty());
    EXPECT_EQ(r.captions.size(), 3u);
    // The record's spec and seed give the stored motion again; padding repeats the last frame.
    const auto m = animate(r.spec, r.seed, train.fps);
    ASSERT_EQ(m.motion.frame_count(), r.length);
    const auto stored = train.positions[static_cast<int64_t>(i)];
    EXPECT_TRUE(torch::equal(stored.narrow(0, 0, r.length), m.motion.positions));
    EXPECT_TRUE(torch::equal(stored[195], stored[r.length - 1]));
    EXPECT_EQ(r.spans.size(), r.spec.actions.size());
  }
  const auto heldout = load_motion_dataset(dir.path(), "heldout");
  ASSERT_EQ(heldout.records.size(), 3u);
  for (const auto& r : heldout.records) EXPECT_FALSE(r.heldout.empty()) << describe(r.spec);
  // The example files show the first motion: its BVH reads back to the same positions.
  EXPECT_GT(fs::file_size(dir / "train" / "example_0.mp4"), 1000u);
  EXPECT_FALSE(fs::exists(dir / "train" / "example_1.mp4"));
  const auto bvh = gen::motion::read_motion(dir / "train" / "example_0.bvh");
  ASSERT_EQ(bvh.frame_count(), train.records[0].length);
  EXPECT_LT((bvh.positions - train.positions[0].narrow(0, 0, bvh.frame_count())).abs().max().item<double>(), 1e-3);
  const auto meta = nlohmann::json::parse(bytes(dir / "dataset.json"));
  EXPECT_EQ(meta["skeleton"]["name"], "smpl22");
  EXPECT_EQ(meta["splits"]["train"]["files"].size(), 2u);
  EXPECT_LT(meta["splits"]["train"]["physics"]["skating_ratio_mean"].get<double>(), 0.01);
  EXPECT_EQ(meta["heldout_combinations"].size(), heldout_combinations().size());
  EXPECT_DOUBLE_EQ(meta["sequence_probability"].get<double>(), 0.4);
}

TEST(HumansDataset, TheSeedGivesTheSameBytes) {
  gen::test::TempDir a, b, c;
  auto quiet = [](const gen::Progress&) { return gen::ProgressAction::proceed; };
  write_motion_dataset(a.path(), small_options(5), quiet);
  write_motion_dataset(b.path(), small_options(5), quiet);
  write_motion_dataset(c.path(), small_options(6), quiet);
  for (const char* file : {"dataset.json", "train/motions.jsonl", "train/motions_000.safetensors", "train/motions_001.safetensors",
                           "heldout/motions.jsonl", "heldout/motions_000.safetensors", "train/example_0.mp4", "train/example_0.bvh"}) {
    EXPECT_EQ(bytes(a / file), bytes(b / file)) << file;
    if (std::string(file) != "dataset.json") EXPECT_NE(bytes(a / file), bytes(c / file)) << file;
  }
}

TEST(HumansDataset, ShortMaxFramesRedrawsInsteadOfCropping) {
  gen::test::TempDir dir;
  auto o = small_options();
  o.max_frames = 70;
  o.heldout_count = 0;
  write_motion_dataset(dir.path(), o, nullptr);
  const auto d = load_motion_dataset(dir.path(), "train");
  EXPECT_EQ(d.positions.size(1), 70);
  for (const auto& r : d.records) EXPECT_LE(r.length, 70);
  EXPECT_EQ(load_motion_dataset(dir.path(), "heldout").records.size(), 0u);
  o.max_frames = 20;
  EXPECT_THROW(write_motion_dataset(dir / "x", o, nullptr), gen::UsageError);
  o.max_frames = 196;
  o.fps = 200;
  EXPECT_THROW(write_motion_dataset(dir / "x", o, nullptr), gen::UsageError);
  o.fps = 20;
  o.sequences = 1.2;
  EXPECT_THROW(write_motion_dataset(dir / "x", o, nullptr), gen::UsageError);
  o.sequences = std::nan("");
  EXPECT_THROW(write_motion_dataset(dir / "x", o, nullptr), gen::UsageError);
}

// Writes a small dataset, breaks it with `damage`, and returns the reader's error.
std::string read_error(const std::function<void(const fs::path&)>& damage) {
  gen::test::TempDir dir;
  auto o = small_options();
  o.train_count = 3, o.heldout_count = 1, o.shard_size = 2;
  write_motion_dataset(dir.path(), o, nullptr);
  damage(dir.path());
  try {
    load_motion_dataset(dir.path(), "train");
  } catch (const gen::InputError& e) {
    return e.what();
  }
  return "no error";
}

std::string line_replaced(const fs::path& path, const std::string& from, const std::string& to) {
  auto text = bytes(path);
  const auto at = text.find(from);
  if (at == std::string::npos) return text;
  return text.replace(at, from.size(), to);
}

TEST(HumansDataset, BrokenFilesAreOneClearError) {
  auto jsonl = [](const fs::path& d) { return d / "train" / "motions.jsonl"; };
  EXPECT_NE(read_error([](const fs::path& d) { fs::remove(d / "dataset.json"); }).find("gen data motion"), std::string::npos);
  EXPECT_NE(read_error([&](const fs::path& d) { fs::remove(jsonl(d)); }).find("motions.jsonl"), std::string::npos);
  // A truncated JSONL: the last line cut in half, or a line missing.
  EXPECT_NE(read_error([&](const fs::path& d) {
              auto t = bytes(jsonl(d));
              gen::test::write_text(jsonl(d), t.substr(0, t.size() - 40));
            }).find("line 3: not JSON"),
            std::string::npos);
  EXPECT_NE(read_error([&](const fs::path& d) {
              auto t = bytes(jsonl(d));
              gen::test::write_text(jsonl(d), t.substr(0, t.rfind('\n', t.size() - 2) + 1));
            }).find("has 2 motions but"),
            std::string::npos);
  // Hostile records: unknown labels, wrong types, lengths that disagree, paths out of the folder.
  EXPECT_NE(read_error([&](const fs::path& d) {
              gen::test::write_text(jsonl(d), line_replaced(jsonl(d), "\"length\":", "\"length\":9999999,\"x\":"));
            }).find("line 1"),
            std::string::npos);
  EXPECT_NE(read_error([&](const fs::path& d) {
              gen::test::write_text(jsonl(d), line_replaced(jsonl(d), "\"file\":\"motions_000", "\"file\":\"../motions_000"));
            }).find("\"file\""),
            std::string::npos);
  EXPECT_NE(read_error([&](const fs::path& d) {
              gen::test::write_text(jsonl(d), line_replaced(jsonl(d), "\"row\":0", "\"row\":1"));
            }).find("must be row 0"),
            std::string::npos);
  // Safetensors: truncated, missing, a tensor of the wrong type.
  EXPECT_NE(read_error([](const fs::path& d) {
              const auto p = d / "train" / "motions_001.safetensors";
              auto t = bytes(p);
              gen::test::write_text(p, t.substr(0, t.size() / 2));
            }).find("motions_001.safetensors"),
            std::string::npos);
  EXPECT_NE(read_error([](const fs::path& d) { fs::remove(d / "train" / "motions_000.safetensors"); }).find("motions_000"),
            std::string::npos);
  EXPECT_NE(read_error([](const fs::path& d) {
              const auto p = d / "train" / "motions_000.safetensors";
              auto all = gen::load_safetensors(p);
              all["lengths"] = all["lengths"].to(torch::kInt32);
              gen::save_safetensors(p, all);
            }).find("\"lengths\" must be I64"),
            std::string::npos);
  EXPECT_NE(read_error([](const fs::path& d) {
              const auto p = d / "train" / "motions_000.safetensors";
              auto all = gen::load_safetensors(p);
              all["lengths"][0] = 1;
              gen::save_safetensors(p, all);
            }).find("\"length\" disagrees"),
            std::string::npos);
  EXPECT_NE(read_error([](const fs::path& d) {
              gen::test::write_text(d / "dataset.json", line_replaced(d / "dataset.json", "\"fps\": 20.0", "\"fps\": \"fast\""));
            }).find("\"fps\""),
            std::string::npos);
}

TEST(HumansDataset, RecordParserRefusesEachBadField) {
  MotionRecord r;
  r.index = 0, r.file = "motions_000.safetensors", r.row = 0, r.seed = 7, r.length = 50;
  r.spec = MotionSpec{{ActionSpec{"kick", "", "", "twice", "right"}}};
  r.spans = {ActionSpan{5, 45, 2}};
  r.captions = {"a person kicks twice with the right leg"};
  const auto good = motion_record(r);
  const auto back = parse_motion_jsonl(good.dump() + "\n\n", "x");
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].spec, r.spec);
  EXPECT_EQ(back[0].spans[0].count, 2);
  auto refused = [&](const std::function<void(nlohmann::json&)>& edit) {
    auto j = good;
    edit(j);
    try {
      parse_motion_jsonl(j.dump(), "m.jsonl");
    } catch (const gen::InputError& e) {
      return std::string(e.what()).rfind("m.jsonl: line 1: ", 0) == 0;
    }
    return false;
  };
  EXPECT_TRUE(refused([](auto& j) { j.erase("caption"); }));
  EXPECT_TRUE(refused([](auto& j) { j["caption"] = "something else"; }));
  EXPECT_TRUE(refused([](auto& j) { j["length"] = -1; }));
  EXPECT_TRUE(refused([](auto& j) { j["length"] = 1.5; }));
  EXPECT_TRUE(refused([](auto& j) { j["seed"] = -3; }));
  EXPECT_TRUE(refused([](auto& j) { j["row"] = 18446744073709551615ull; }));
  EXPECT_TRUE(refused([](auto& j) { j["file"] = "/etc/passwd.safetensors"; }));
  EXPECT_TRUE(refused([](auto& j) { j["file"] = "motions.npy"; }));
  EXPECT_TRUE(refused([](auto& j) { j["actions"][0]["action"] = "fly"; }));
  EXPECT_TRUE(refused([](auto& j) { j["actions"][0]["side"] = ""; }));
  EXPECT_TRUE(refused([](auto& j) { j["actions"][0]["end"] = 60; }));
  EXPECT_TRUE(refused([](auto& j) { j["actions"][0]["end"] = 5; }));
  EXPECT_TRUE(refused([](auto& j) { j["actions"][0]["count"] = 0; }));
  EXPECT_TRUE(refused([](auto& j) { j["actions"] = nlohmann::json::array(); }));
  EXPECT_TRUE(refused([](auto& j) { j["captions"] = {1, 2}; }));
  EXPECT_TRUE(refused([](auto& j) { j["start_yaw"] = "north"; }));
  EXPECT_TRUE(refused([](auto& j) { j = nlohmann::json::array(); }));
  EXPECT_THROW(parse_motion_jsonl(std::string(70000, ' ') + "x", "m"), gen::InputError);
  EXPECT_THROW(parse_motion_jsonl("{\"index\":", "m"), gen::InputError);
}

}  // namespace
