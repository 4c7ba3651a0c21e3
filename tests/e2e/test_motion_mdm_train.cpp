// `gen train motion_mdm` end to end on a small `gen data motion` folder: the -m text
// stage learns which motion a caption describes (its contrastive loss falls and its
// retrieval beats chance by far), -m mdm trains on that tower kept fixed and the result
// generates, and wrong run folders or options get one error line. The quality of the
// shipped model is test_default_motion_model's business; this checks the recipe's parts.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include <nlohmann/json.hpp>

#include <gen/safetensors.h>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using gen::test::run_gen;

struct MotionRun {
  gen::test::TempDir dir;
  std::string data = (dir / "data").string();
  MotionRun() {
    auto r = run_gen({"data", "motion", "-o", data, "--train", "160", "--heldout", "32", "-s", "5", "-q"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  gen::test::CommandResult train(const std::string& stage, const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> args = {"train", "motion_mdm", "-m", stage, "-o", out, "-O", "data=" + data,
                                     "-s", "3", "--threads", "2", "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_gen(args);
  }
};

MotionRun& shared_run() {
  static MotionRun run;
  return run;
}

const std::vector<std::string> kTinyMotionText = {"-O", "text_dim=32", "-O", "text_width=32", "-O", "text_layers=1",
                                            "-O", "motion_width=32", "-O", "motion_layers=1"};

TEST(MotionMdmTrain, TextStageLearnsWhichMotionACaptionDescribes) {
  auto& run = shared_run();
  const auto out = run.dir / "text";
  auto args = kTinyMotionText;
  args.insert(args.end(), {"-O", "steps=150", "-O", "batch=32", "-O", "warmup=10", "-O", "lr=2e-3"});
  auto r = run.train("text", out.string(), args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* part : {"text_encoder/config.json", "text_encoder/model.safetensors", "tokenizer/vocab.json",
                           "tokenizer/merges.txt", "text_tower.json"})
    EXPECT_TRUE(fs::exists(out / part)) << part;
  const auto report = nlohmann::json::parse(gen::test::read_text(out / "text_tower.json"));
  // A random tower scores ln(32) = 3.47 on a pool of 32, and picks the right motion of 32
  // at 1/32 (top 1) and 3/32 (top 3).
  EXPECT_LT(report["loss"].get<double>(), 0.75 * std::log(32.0));
  EXPECT_EQ(report["train"]["pool"], 32);
  EXPECT_GT(report["train"]["top1"].get<double>(), 4.0 / 32);
  EXPECT_GT(report["train"]["top3"].get<double>(), 3 * 3.0 / 32);
  EXPECT_TRUE(report["heldout"].is_object()) << report.dump();
}

TEST(MotionMdmTrain, MdmOnAFrozenTowerKeepsItAndGenerates) {
  auto& run = shared_run();
  const auto text = run.dir / "frozen-text", mdm = run.dir / "mdm";
  auto args = kTinyMotionText;
  args.insert(args.end(), {"-O", "steps=2", "-O", "batch=32"});
  ASSERT_EQ(run.train("text", text.string(), args).exit_code, 0);
  auto r = run.train("mdm", mdm.string(),
                     {"-O", "text_encoder=" + text.string(), "-O", "freeze_text=true", "-O", "latent_dim=32", "-O",
                      "layers=1", "-O", "ff_size=64", "-O", "steps=3", "-O", "batch=8", "-O", "checkpoint_every=0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto model = mdm / "model";
  EXPECT_EQ(gen::test::read_text(model / "tokenizer/vocab.json"), gen::test::read_text(text / "tokenizer/vocab.json"));
  const auto before = gen::load_safetensors(text / "text_encoder/model.safetensors");
  const auto after = gen::load_safetensors(model / "text_encoder/model.safetensors");
  ASSERT_EQ(before.size(), after.size());
  for (const auto& [name, tensor] : before) {
    ASSERT_TRUE(after.count(name)) << name;
    // The model folder is F16; a tower that trained on would move by far more than rounding.
    EXPECT_TRUE(torch::allclose(after.at(name).to(torch::kFloat32), tensor.to(torch::kFloat32), 1e-3, 1e-3)) << name;
  }
  const auto bvh = run.dir / "walk.bvh";
  auto g = run_gen({"motion", "-m", model.string(), "-p", "a person walks forward", "--steps", "2", "--duration", "1",
                    "-o", bvh.string(), "-q"});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_GT(fs::file_size(bvh), 1000u);
}

// cond_every_frame=true is saved in the model's config and generation runs it.
// Also weighs a sequence's later actions 3x (the frames test_training_clips marks) and
// trains without dropout (saved as the config's dropout).
TEST(MotionMdmTrain, ConditionOnEveryFrameIsSavedAndGeneratesWithLengthWindows) {
  auto& run = shared_run();
  const auto mdm = run.dir / "mdm-every-frame";
  auto args = kTinyMotionText;
  args.resize(6);  // text_dim, text_width, text_layers: the tower is trained jointly here
  args.insert(args.end(), {"-O", "cond_every_frame=true", "-O", "latent_dim=32", "-O", "layers=1", "-O", "ff_size=64",
                           "-O", "steps=2", "-O", "batch=8", "-O", "checkpoint_every=0", "-O", "length_window=16",
                           "-O", "later_action_weight=3", "-O", "dropout=0"});
  auto r = run.train("mdm", mdm.string(), args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto config = nlohmann::json::parse(gen::test::read_text(mdm / "model" / "mdm" / "config.json"));
  EXPECT_EQ(config["cond_every_frame"], true);
  EXPECT_EQ(config["dropout"], 0.0);
  const auto out = run.dir / "every-frame.json";
  auto g = run_gen({"motion", "-m", (mdm / "model").string(), "-p", "a person jumps", "--steps", "2", "--duration",
                    "1", "-o", out.string(), "-q"});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_TRUE(fs::exists(out));
}

// text_tokens=true: the token projection is saved with the tower's width, the model
// loads from its folder and generates with guidance and a negative prompt (both halves
// of CFG carry token states).
TEST(MotionMdmTrain, TextTokensAndFrameProgressAreSavedAndGenerate) {
  auto& run = shared_run();
  const auto mdm = run.dir / "mdm-tokens";
  auto args = kTinyMotionText;
  args.resize(6);
  args.insert(args.end(), {"-O", "text_tokens=true", "-O", "frame_progress=true", "-O", "cond_every_frame=true",
                           "-O", "latent_dim=32", "-O",
                           "layers=1", "-O", "ff_size=64", "-O", "steps=2", "-O", "batch=8", "-O",
                           "checkpoint_every=0"});
  auto r = run.train("mdm", mdm.string(), args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto model = mdm / "model";
  const auto config = nlohmann::json::parse(gen::test::read_text(model / "mdm" / "config.json"));
  const auto text = nlohmann::json::parse(gen::test::read_text(model / "text_encoder" / "config.json"));
  EXPECT_EQ(config["text_tokens_dim"], text["hidden_size"]);
  EXPECT_EQ(config["frame_progress"], true);
  const auto weights = gen::load_safetensors(model / "mdm" / "model.safetensors");
  EXPECT_TRUE(weights.count("embed_text_tokens.weight"));
  EXPECT_TRUE(weights.count("embed_progress.weight"));
  const auto a = run.dir / "tokens-a.npy", b = run.dir / "tokens-b.npy", c = run.dir / "tokens-c.npy";
  auto generate = [&](const fs::path& out, const std::string& prompt) {
    return run_gen({"motion", "-m", model.string(), "-p", prompt, "-n", "a person sits down", "--cfg-scale", "3",
                    "--steps", "2", "--duration", "1", "-s", "5", "-o", out.string(), "-q"});
  };
  for (const auto& [out, prompt] : {std::pair{a, "a person jumps"}, {b, "a person jumps"}, {c, "a person waves"}}) {
    auto g = generate(out, prompt);
    ASSERT_EQ(g.exit_code, 0) << g.err;
  }
  EXPECT_EQ(gen::test::read_text(a), gen::test::read_text(b));  // same seed, same bytes
  EXPECT_NE(gen::test::read_text(a), gen::test::read_text(c));  // the caption's words reach the motion
}

// segment_text: the data folder's rules (written by `gen data motion`) split sequence
// captions; the model ships them as prompt_travel.json, and `gen motion` lets each part
// of a sequence prompt condition its own frames (recorded in the sidecar) unless
// auto_travel=false. A model that reads one caption for all frames refuses a user's rules.
TEST(MotionMdmTrain, SegmentTextShipsTheRulesAndSequencePromptsTravel) {
  auto& run = shared_run();
  ASSERT_TRUE(fs::exists(fs::path(run.data) / "prompt_travel.json"));
  const auto mdm = run.dir / "mdm-segments";
  auto args = kTinyMotionText;
  args.resize(6);
  args.insert(args.end(), {"-O", "cond_every_frame=true", "-O", "segment_text=1", "-O", "latent_dim=32", "-O",
                           "layers=1", "-O", "ff_size=64", "-O", "steps=2", "-O", "batch=16", "-O",
                           "checkpoint_every=0"});
  auto r = run.train("mdm", mdm.string(), args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto model = mdm / "model";
  EXPECT_EQ(gen::test::read_text(model / "prompt_travel.json"),
            nlohmann::json::parse(gen::test::read_text(fs::path(run.data) / "prompt_travel.json")).dump(2) + "\n");
  const auto travel = run.dir / "travel.json", plain = run.dir / "plain.json";
  const std::vector<std::string> common = {"motion", "-m", model.string(), "-p", "a person walks forward then jumps",
                                           "--steps", "2", "--duration", "1", "-s", "4", "-q", "-o"};
  auto with = [&](const fs::path& out, std::vector<std::string> extra) {
    auto a = common;
    a.push_back(out.string());
    a.insert(a.end(), extra.begin(), extra.end());
    return run_gen(a);
  };
  ASSERT_EQ(with(travel, {}).exit_code, 0);
  ASSERT_EQ(with(plain, {"-O", "auto_travel=false"}).exit_code, 0);
  const auto keys = gen::test::sidecar(travel).at("prompt_travel");
  ASSERT_EQ(keys.size(), 4u) << keys.dump();
  EXPECT_EQ(keys[0]["prompt"], "a person walks forward");
  EXPECT_EQ(keys[3]["prompt"], "a person jumps");
  EXPECT_FALSE(gen::test::sidecar(plain).contains("prompt_travel"));
  EXPECT_NE(gen::test::read_text(travel), gen::test::read_text(plain));
  // A single action matches no rule: no travel.
  const auto single = run.dir / "single.json";
  auto g = run_gen({"motion", "-m", model.string(), "-p", "a person walks forward", "--steps", "2", "--duration", "1",
                    "-q", "-o", single.string()});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_FALSE(gen::test::sidecar(single).contains("prompt_travel"));
  // The plain MDM of the frozen-tower test has no cond_every_frame.
  const auto once = run.dir / "mdm-once";
  auto text_args = kTinyMotionText;
  text_args.resize(6);
  text_args.insert(text_args.end(), {"-O", "latent_dim=32", "-O", "layers=1", "-O", "ff_size=64", "-O", "steps=1",
                                     "-O", "batch=8", "-O", "checkpoint_every=0"});
  ASSERT_EQ(run.train("mdm", once.string(), text_args).exit_code, 0);
  gen::test::expect_one_error_line(
      run_gen({"motion", "-m", (once / "model").string(), "-p", "a person walks then jumps", "--steps", "2",
               "--duration", "1", "-O", "travel_rules=" + (model / "prompt_travel.json").string(), "-q", "-o",
               (run.dir / "refused.json").string()}),
      2, "cond_every_frame");
  EXPECT_FALSE(fs::exists(run.dir / "refused.json"));
}

TEST(MotionMdmTrain, WrongRunFoldersAndOptionsAreOneLine) {
  auto& run = shared_run();
  gen::test::expect_one_error_line(
      run.train("mdm", (run.dir / "x").string(), {"-O", "text_encoder=" + run.data, "-O", "steps=1"}), 3,
      "is not a `gen train motion_mdm -m text` run");
  gen::test::expect_one_error_line(run.train("mdm", (run.dir / "y").string(), {"-O", "freeze_text=true"}), 2,
                                   "freeze_text=true needs");
  gen::test::expect_one_error_line(run.train("text", (run.dir / "z").string(), {"-O", "batch=1"}), 2, "batch");
  gen::test::expect_one_error_line(run.train("txt", (run.dir / "w").string(), {}), 2, "txt");
  gen::test::expect_one_error_line(run.train("mdm", (run.dir / "u").string(), {"-O", "length_window=-4"}), 2,
                                   "length_window");
  gen::test::expect_one_error_line(run.train("mdm", (run.dir / "t").string(), {"-O", "later_action_weight=200"}), 2,
                                   "later_action_weight");
  gen::test::expect_one_error_line(run.train("mdm", (run.dir / "s").string(), {"-O", "segment_text=0.5"}), 2,
                                   "cond_every_frame");
  gen::test::expect_one_error_line(
      run.train("mdm", (run.dir / "r").string(),
                {"-O", "segment_text=0.5", "-O", "cond_every_frame=true", "-O",
                 "travel_rules=" + (run.dir / "no-rules.json").string()}),
      3, "no-rules.json");
  gen::test::expect_one_error_line(
      run_gen({"train", "motion_mdm", "-m", "text", "-o", (run.dir / "v").string(), "-O",
               "data=" + (run.dir / "missing").string(), "-q"}),
      3, "missing");
}

}  // namespace
