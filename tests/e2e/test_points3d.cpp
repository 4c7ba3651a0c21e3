// `gen train points3d` and `gen 3d` end to end on a tiny model trained for three steps
// on a small solids dataset (seconds): the model folder, every output kind (cloud, mesh,
// turntable, strip, --mesh and --render beside the cloud), point counts, determinism,
// every sampler, the sidecar, `gen eval 3d -m`, and errors with one line and the right
// exit code.
#include <gen/error.h>
#include <gen/image/image_io.h>
#include <gen/sampler.h>
#include <gen/shape3d/shape_io.h>
#include <gen/video/video_io.h>

#include <nlohmann/json.hpp>

#include "test_util.h"
#include "tiny_checkpoint.h"

namespace fs = std::filesystem;
using gen::test::Args;
using gen::test::run_gen;
using gen::test::run_ok;
using gen::test::sidecar;
using gen::test::with;
using gen::test::TempDir;
using nlohmann::json;

namespace {

struct TinyModel {
  TempDir dir;
  fs::path data, run, model;
  TinyModel() {
    data = dir / "solids";
    run = dir / "run";
    model = run / "model";
    auto made = run_gen({"data", "3d", "-o", data.string(), "--train", "16", "--heldout", "8", "--points", "128", "-s",
                         "3", "-q"});
    if (made.exit_code != 0) throw std::runtime_error("gen data 3d: " + made.err);
    auto trained = run_gen({"train", "points3d", "-m", "points", "-o", run.string(), "-O", "data=" + data.string(), "-O",
                            "steps=3", "-O", "width=16", "-O", "layers=1", "-O", "heads=2", "-O", "points=64", "-O",
                            "text_width=16", "-O", "text_layers=1", "-O", "batch=2", "-s", "1", "--threads", "1", "-q"});
    if (trained.exit_code != 0) throw std::runtime_error("gen train points3d: " + trained.err);
  }
};

const TinyModel& tiny() {
  static TinyModel m;
  return m;
}

Args shape_args(const fs::path& out, const std::string& seed = "7") {
  return {"3d", "-m", tiny().model.string(), "-p", "a red cube", "--steps", "3", "-s", seed, "-o", out.string(),
          "--threads", "1", "-q"};
}

TEST(Points3d, TrainingWritesAModelFolder) {
  const auto& m = tiny().model;
  for (const char* part : {"transformer/config.json", "transformer/model.safetensors", "text_encoder/config.json",
                           "text_encoder/model.safetensors", "tokenizer/vocab.json", "scheduler/scheduler_config.json",
                           "generation_defaults.json"})
    EXPECT_TRUE(fs::exists(m / part)) << part;
  const auto config = json::parse(gen::test::read_text(m / "transformer" / "config.json"));
  EXPECT_EQ(config["_class_name"], "PointTransformer");
  EXPECT_EQ(config["width"], 16);
  EXPECT_EQ(json::parse(gen::test::read_text(m / "generation_defaults.json"))["points"], 64);
  EXPECT_EQ(json::parse(gen::test::read_text(m / "scheduler" / "scheduler_config.json"))["prediction_type"], "v_prediction");
}

TEST(Points3d, WritesAColouredCloudWithItsSidecar) {
  TempDir dir;
  run_ok(shape_args(dir / "a.ply"));
  const auto cloud = gen::shape3d::read_point_cloud(dir / "a.ply");
  EXPECT_EQ(cloud.size(), 64);  // the model's default: its training count
  ASSERT_TRUE(cloud.has_colors());
  EXPECT_TRUE(torch::isfinite(cloud.xyz).all().item<bool>());
  const auto side = json::parse(gen::test::read_text(dir / "a.ply.json"));
  EXPECT_EQ(side["seed"], 7);
  EXPECT_EQ(side["steps"], 3);
  EXPECT_EQ(side["points"], 64);
  EXPECT_EQ(side["prompt"], "a red cube");
  EXPECT_EQ(side["plugin"], "points3d");

  run_ok(with(shape_args(dir / "b.xyz"), {"--points", "300"}));
  EXPECT_EQ(gen::shape3d::read_point_cloud(dir / "b.xyz").size(), 300);
  // Previews of the x0 estimate go beside the output, in its format.
  run_ok(with(shape_args(dir / "p.ply"), {"--preview-every", "1"}));
  EXPECT_EQ(gen::shape3d::read_point_cloud(dir / "p.preview.ply").size(), 64);
  EXPECT_EQ(gen::test::read_text(dir / "a.ply"), gen::test::read_text(dir / "p.ply")) << "previews change nothing";
}

TEST(Points3d, SameSeedSameBytesOtherSeedOtherCloud) {
  TempDir dir;
  run_ok(shape_args(dir / "a.ply"));
  run_ok(shape_args(dir / "b.ply"));
  run_ok(shape_args(dir / "c.ply", "8"));
  EXPECT_EQ(gen::test::read_text(dir / "a.ply"), gen::test::read_text(dir / "b.ply"));
  EXPECT_NE(gen::test::read_text(dir / "a.ply"), gen::test::read_text(dir / "c.ply"));
}

TEST(Points3d, MeshesTurntablesAndStrips) {
  TempDir dir;
  run_ok(with(shape_args(dir / "m.obj"), {"--points", "400"}));
  EXPECT_GT(gen::shape3d::read_mesh(dir / "m.obj").face_count(), 0);
  run_ok(with(shape_args(dir / "c.ply"), {"--mesh", (dir / "beside.glb").string(), "--render",
                                          (dir / "turn.gif").string(), "--views", "6", "--points", "400"}));
  EXPECT_EQ(gen::shape3d::read_point_cloud(dir / "c.ply").size(), 400);
  EXPECT_GT(gen::shape3d::read_mesh(dir / "beside.glb").face_count(), 0);
  EXPECT_EQ(gen::video::read_video(dir / "turn.gif").frame_count(), 6);
  run_ok(shape_args(dir / "strip.png"));
  const auto strip = gen::image::read_image(dir / "strip.png");
  EXPECT_EQ(strip.width(), 8 * strip.height());  // 8 views by default
  // A batch numbers the extras like the main files.
  run_ok(with(shape_args(dir / "n.ply"), {"-b", "2", "--render", (dir / "n.png").string()}));
  for (const char* f : {"n_0.ply", "n_1.ply", "n_0.png", "n_1.png"}) EXPECT_TRUE(fs::exists(dir / f)) << f;
}

TEST(Points3d, EverySamplerRuns) {
  TempDir dir;
  for (const auto& sampler : gen::sampler_names()) {
    if (sampler.find("flow") != std::string::npos) continue;
    auto r = run_gen(with(shape_args(dir / "s.ply"), {"--sampler", sampler}));
    EXPECT_EQ(r.exit_code, 0) << sampler << ": " << r.err;
  }
}

TEST(Points3d, NegativePromptAndCfgChangeTheCloud) {
  TempDir dir;
  run_ok(shape_args(dir / "a.ply"));
  run_ok(with(shape_args(dir / "b.ply"), {"-n", "a blue sphere"}));
  run_ok(with(shape_args(dir / "c.ply"), {"--cfg-scale", "1"}));
  EXPECT_NE(gen::test::read_text(dir / "a.ply"), gen::test::read_text(dir / "b.ply"));
  EXPECT_NE(gen::test::read_text(dir / "a.ply"), gen::test::read_text(dir / "c.ply"));
}

// CFG's interval and rescale: the model's generation_defaults.json decides them unless
// -O guidance_* does; the sidecar records what ran.
TEST(Points3d, GuidanceIntervalAndRescaleFromTheModelOrTheCommandLine) {
  TempDir dir;
  const auto sidecar = [](const fs::path& p) { return json::parse(gen::test::read_text(fs::path(p.string() + ".json"))); };
  run_ok(shape_args(dir / "full.ply"));
  run_ok(with(shape_args(dir / "low.ply"), {"-O", "guidance_max=0.3"}));
  run_ok(with(shape_args(dir / "rescaled.ply"), {"-O", "guidance_rescale=0.7"}));
  EXPECT_NE(gen::test::read_text(dir / "full.ply"), gen::test::read_text(dir / "low.ply"));
  EXPECT_NE(gen::test::read_text(dir / "full.ply"), gen::test::read_text(dir / "rescaled.ply"));
  EXPECT_EQ(sidecar(dir / "full.ply")["guidance_interval"], json::array({0.0, 999.0}));
  EXPECT_EQ(sidecar(dir / "full.ply")["guidance_rescale"], 0.0);
  EXPECT_NEAR(sidecar(dir / "low.ply")["guidance_interval"][1].get<double>(), 0.3 * 999, 1e-9);
  EXPECT_EQ(sidecar(dir / "rescaled.ply")["guidance_rescale"], 0.7);

  const auto model = dir / "model";
  fs::copy(tiny().model, model, fs::copy_options::recursive);
  auto defaults = json::parse(gen::test::read_text(model / "generation_defaults.json"));
  defaults["guidance_max"] = 0.3;
  gen::test::write_text(model / "generation_defaults.json", defaults.dump());
  Args from_model = shape_args(dir / "model.ply");
  from_model[2] = model.string();
  run_ok(from_model);
  EXPECT_EQ(gen::test::read_text(dir / "model.ply"), gen::test::read_text(dir / "low.ply")) << "the model's interval";
  run_ok(with(from_model, {"-O", "guidance_max=1", "-o", (dir / "override.ply").string()}));
  EXPECT_EQ(gen::test::read_text(dir / "override.ply"), gen::test::read_text(dir / "full.ply")) << "-O overrides the model";

  gen::test::expect_one_error_line(run_gen(with(shape_args(dir / "x.ply"), {"-O", "guidance_min=0.6", "-O", "guidance_max=0.4"})),
                                   gen::kExitUsage, "guidance_min");
  gen::test::expect_one_error_line(run_gen(with(shape_args(dir / "x.ply"), {"-O", "guidance_rescale=1.5"})), gen::kExitUsage,
                                   "guidance_rescale");
  defaults["guidance_rescale"] = 2.0;
  gen::test::write_text(model / "generation_defaults.json", defaults.dump());
  gen::test::expect_one_error_line(run_gen(from_model), gen::kExitModel, "guidance_rescale");
  EXPECT_FALSE(fs::exists(dir / "x.ply"));
}

TEST(Points3d, EvalScoresTheModelAgainstRealClouds) {
  TempDir dir;
  const auto report = dir / "eval.json";
  auto r = run_gen({"eval", "3d", "-m", tiny().model.string(), "-d", tiny().data.string(), "--count", "4", "--steps", "2",
                    "-o", report.string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto runs = json::parse(gen::test::read_text(report))["runs"];
  ASSERT_EQ(runs.size(), 4u);  // real + model, per split
  EXPECT_EQ(runs[0]["sampler"], "real");
  EXPECT_EQ(runs[1]["steps"], 2);
  EXPECT_EQ(runs[1]["clouds"], 4);
  EXPECT_GT(runs[1]["seconds_per_shape"].get<double>(), 0.0);
  // Three training steps make noise: the judges must not find the captions in it.
  EXPECT_LT(runs[1]["shape_and_color"].get<double>(), 0.75) << runs[1].dump();
  EXPECT_GE(runs[1]["nna"].get<double>(), 0.0);
  EXPECT_LE(runs[1]["nna"].get<double>(), 1.0);
}

TEST(Points3d, ScoreDistillationThroughAnImagePrior) {
  TempDir dir;
  gen::test::write_folder(dir / "sd", 4);
  auto sds = [&](const fs::path& out, const std::string& steps) {
    return Args{"3d", "--sds", "--prior", "image_ldm:" + (dir / "sd").string(), "-p", "a red ball", "--sds-steps", steps,
                "--points", "64", "-O", "sds_resolution=16", "--cfg-scale", "7.5", "-s", "3", "-o", out.string(),
                "--threads", "1", "-q"};
  };
  run_ok(sds(dir / "a.ply", "4"));
  run_ok(sds(dir / "b.ply", "4"));
  run_ok(sds(dir / "c.ply", "1"));
  const auto cloud = gen::shape3d::read_point_cloud(dir / "a.ply");
  EXPECT_EQ(cloud.size(), 64);
  EXPECT_TRUE(cloud.has_colors());
  EXPECT_EQ(gen::test::read_text(dir / "a.ply"), gen::test::read_text(dir / "b.ply"));
  EXPECT_NE(gen::test::read_text(dir / "a.ply"), gen::test::read_text(dir / "c.ply")) << "more steps move the points further";
  const auto side = json::parse(gen::test::read_text(dir / "a.ply.json"));
  EXPECT_EQ(side["method"], "score distillation");
  EXPECT_EQ(side["steps"], 4);
  EXPECT_NE(side["prior"].get<std::string>().find("image_ldm"), std::string::npos);
  EXPECT_EQ(side["sds"]["resolution"], 16);
  EXPECT_EQ(side["sds"]["background"], "learned");
  ASSERT_EQ(side["sds"]["background_rgb"].size(), 3u);
  // --steps means the same with --sds; the two must not disagree.
  run_ok(with(sds(dir / "e.ply", "4"), {"--steps", "4"}));
  EXPECT_EQ(gen::test::read_text(dir / "a.ply"), gen::test::read_text(dir / "e.ply"));
  gen::test::expect_one_error_line(run_gen(with(sds(dir / "d.ply", "2"), {"--steps", "3"})), 2, "disagree");
  // Other backgrounds, and previews of the cloud so far.
  run_ok(with(sds(dir / "w.ply", "4"), {"-O", "sds_background=random", "--preview-every", "2"}));
  EXPECT_NE(gen::test::read_text(dir / "a.ply"), gen::test::read_text(dir / "w.ply"));
  EXPECT_EQ(gen::shape3d::read_point_cloud(dir / "w.preview.ply").size(), 64);
  EXPECT_EQ(json::parse(gen::test::read_text(dir / "w.ply.json"))["sds"].count("background_rgb"), 0u);
  gen::test::expect_one_error_line(run_gen(with(sds(dir / "d.ply", "2"), {"-O", "sds_background=plaid"})), 2, "plaid");
  gen::test::expect_one_error_line(run_gen(with(sds(dir / "d.ply", "2"), {"--sampler", "ddim"})), 2, "--sampler");
  Args no_plugin = sds(dir / "d.ply", "2");
  no_plugin[3] = "nosuchplugin:x";
  gen::test::expect_one_error_line(run_gen(no_plugin), 4, "nosuchplugin");
  gen::test::expect_one_error_line(run_gen(with(shape_args(dir / "d.ply"), {"--prior", "image_ldm"})), 2, "--sds");
  gen::test::expect_one_error_line(run_gen(with(shape_args(dir / "d.ply"), {"--sds-steps", "3"})), 2, "--sds");
}

// gen eval 3d --sds on the tiny random prior: the report's structure (a random critic
// distils nothing recognisable, so the fractions are only bounded) and its errors.
TEST(Points3d, EvalJudgesScoreDistillationFromItsViews) {
  TempDir dir;
  gen::test::write_folder(dir / "sd", 4);
  const auto report = dir / "sds.json";
  const Args base{"eval", "3d", "--sds", "--prior", "image_ldm:" + (dir / "sd").string(), "--sds-steps", "2", "--points",
                  "64", "-O", "sds_resolution=32", "--views", "4", "--threads", "1", "-q"};
  auto r = run_gen(with(base, {"-p", "a red circle", "-p", "a small blue star on a white background", "--save-views",
                               (dir / "views").string(), "-o", report.string()}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = json::parse(gen::test::read_text(report));
  ASSERT_EQ(j["runs"].size(), 2u);
  EXPECT_EQ(j["runs"][1]["wanted"]["shape"], "star");
  EXPECT_EQ(j["runs"][1]["wanted"]["color"], "blue");
  EXPECT_EQ(j["runs"][0]["views"].size(), 4u);
  EXPECT_GE(j["color_and_shape"].get<double>(), 0.0);
  EXPECT_LE(j["color_and_shape"].get<double>(), 1.0);
  const auto strip = gen::image::read_image(dir / "views" / "sds_0_seed0.png");
  EXPECT_EQ(strip.width(), 4 * strip.height());
  EXPECT_EQ(strip.height(), 32);
  gen::test::expect_one_error_line(run_gen(with(base, {"-p", "a wooden chair"})), 2, "names no colour and shape");
  gen::test::expect_one_error_line(run_gen(with(base, {"-d", dir.path().string()})), 2, "-d");
}

// A slotted model (-O slots=N): every training cloud ordered into N slots, each with an
// embedding; it makes exactly N points and says so when asked for another count.
TEST(Points3d, SlottedModelsMakeTheirSlotCount) {
  TempDir dir;
  const auto run = dir / "run";
  run_ok({"train", "points3d", "-m", "points", "-o", run.string(), "-O", "data=" + tiny().data.string(), "-O", "steps=3",
          "-O", "width=16", "-O", "layers=1", "-O", "heads=2", "-O", "slots=48", "-O", "text_width=16", "-O",
          "text_layers=1", "-O", "batch=2", "-s", "1", "--threads", "1", "-q"});
  const auto model = run / "model";
  EXPECT_EQ(json::parse(gen::test::read_text(model / "transformer" / "config.json"))["slots"], 48);
  EXPECT_EQ(json::parse(gen::test::read_text(model / "generation_defaults.json"))["points"], 48);
  const Args args = {"3d", "-m", model.string(), "-p", "a red cube", "--steps", "3", "-s", "7", "--threads", "1", "-q"};
  run_ok(with(args, {"-o", (dir / "a.ply").string()}));
  EXPECT_EQ(gen::shape3d::read_point_cloud(dir / "a.ply").size(), 48);
  run_ok(with(args, {"-o", (dir / "b.ply").string()}));
  EXPECT_EQ(gen::test::read_text(dir / "a.ply"), gen::test::read_text(dir / "b.ply"));
  gen::test::expect_one_error_line(run_gen(with(args, {"--points", "64", "-o", (dir / "c.ply").string()})), 2, "48");
  EXPECT_FALSE(fs::exists(dir / "c.ply"));
  gen::test::expect_one_error_line(run_gen({"train", "points3d", "-m", "points", "-o", (dir / "t").string(), "-O",
                                            "data=" + tiny().data.string(), "-O", "slots=4", "-O", "steps=1", "-q"}),
                                   2, "slots");
}

TEST(Points3d, HeightFieldModelsTrainAndGenerate) {
  TempDir dir;
  const auto run = dir / "run";
  run_ok({"train", "points3d", "-m", "heightfield", "-o", run.string(), "-O", "data=" + tiny().data.string(), "-O",
          "steps=2", "-O", "grid=8", "-O", "unet_width=16", "-O", "text_width=16", "-O", "text_layers=1", "-O", "points=100",
          "-O", "batch=2", "-s", "1", "--threads", "1", "-q"});
  const auto model = run / "model";
  EXPECT_EQ(json::parse(gen::test::read_text(model / "height_field" / "config.json"))["grid"], 8);
  EXPECT_EQ(json::parse(gen::test::read_text(model / "unet" / "config.json"))["in_channels"], 6);
  EXPECT_FALSE(fs::exists(model / "transformer"));
  const Args args = {"3d", "-m", model.string(), "-p", "a red cube", "--steps", "3", "-s", "7", "--threads", "1", "-q"};
  run_ok(with(args, {"-o", (dir / "a.ply").string()}));
  const auto cloud = gen::shape3d::read_point_cloud(dir / "a.ply");
  EXPECT_EQ(cloud.size(), 100);
  ASSERT_TRUE(cloud.has_colors());
  // x and z stay on the field's square (heights are the network's to choose).
  EXPECT_LE(cloud.xyz.index_select(1, torch::tensor({0, 2})).abs().max().item<float>(), 0.8f + 1e-4f);
  EXPECT_EQ(json::parse(gen::test::read_text(dir / "a.ply.json"))["method"], "height-field diffusion");
  run_ok(with(args, {"-o", (dir / "b.ply").string(), "--preview-every", "1"}));
  EXPECT_EQ(gen::test::read_text(dir / "a.ply"), gen::test::read_text(dir / "b.ply")) << "same seed, previews or not";
  run_ok(with(args, {"-o", (dir / "c.xyz").string(), "--points", "250", "--sampler", "dpm++2m"}));
  EXPECT_EQ(gen::shape3d::read_point_cloud(dir / "c.xyz").size(), 250);
  gen::test::expect_one_error_line(run_gen({"train", "points3d", "-m", "heightfield", "-o", (dir / "t").string(), "-O",
                                            "data=" + tiny().data.string(), "-O", "grid=10", "-O", "steps=1", "-q"}),
                                   2, "grid");
}

TEST(Points3d, ErrorsAreOneLineWithTheRightExitCode) {
  TempDir dir;
  gen::test::expect_one_error_line(run_gen(with(shape_args(dir / "a.ply"), {"--mesh", (dir / "m.ply").string()})), 2, "--mesh");
  gen::test::expect_one_error_line(run_gen(with(shape_args(dir / "a.ply"), {"--render", (dir / "t.txt").string()})), 2,
                                   "--render");
  gen::test::expect_one_error_line(run_gen(with(shape_args(dir / "a.ply"), {"--views", "4"})), 2, "--views");
  gen::test::expect_one_error_line(run_gen(with(shape_args(dir / "a.ply"), {"--points", "8"})), 2, "--points");
  gen::test::expect_one_error_line(run_gen(shape_args(dir / "a.wav")), 2, ".wav");
  gen::test::expect_one_error_line(run_gen(with(shape_args(dir / "a.ply"), {"-O", "nope=1"})), 2, "nope");
  Args missing = shape_args(dir / "a.ply");
  missing[2] = (dir / "nothing").string();
  gen::test::expect_one_error_line(run_gen(missing), 4, "nothing");
  // A model whose weights are cut short.
  const auto broken = dir / "broken";
  fs::copy(tiny().model, broken, fs::copy_options::recursive);
  const auto weights = broken / "transformer" / "model.safetensors";
  fs::resize_file(weights, fs::file_size(weights) / 2);
  Args args = shape_args(dir / "a.ply");
  args[2] = broken.string();
  auto r = run_gen(args);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(gen::test::nonempty_lines(r.err).size(), 1u) << r.err;
  EXPECT_FALSE(fs::exists(dir / "a.ply"));
  // Training without data, and with more points than the clouds have.
  gen::test::expect_one_error_line(run_gen({"train", "points3d", "-m", "points", "-o", (dir / "t").string(), "-O", "steps=1"}), 2, "data");
  gen::test::expect_one_error_line(run_gen({"train", "points3d", "-m", "points", "-o", (dir / "t2").string(), "-O",
                                            "data=" + tiny().data.string(), "-O", "points=5000", "-O", "steps=1", "-q"}),
                                   2, "points");
}

}  // namespace
