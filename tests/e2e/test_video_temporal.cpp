// End-to-end: `gen video` with the video_temporal plugin on tiny random-weight networks
// (the tiny SD folder of tiny_checkpoint.h plus a seeded random motion adapter fitted to
// it). Random weights make no motion, so the checks are about the machinery: every
// format written and read back, determinism, frame 0 of image-to-video, long clips in
// context windows, every sampler, and one-line errors with the right exit code.
#include <algorithm>
#include <sstream>

#include <gen/error.h>
#include <gen/image/image_io.h>
#include <gen/nn/clip_tokenizer.h>
#include <gen/nn/motion_adapter.h>
#include <gen/safetensors.h>
#include <gen/sampler.h>
#include <gen/video/video_io.h>

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

// Fits kUNetConfig: blocks (32, 64), one layer per block; 24 frame positions.
gen::nn::MotionAdapterConfig adapter_config(bool text_attention) {
  gen::nn::MotionAdapterConfig c;
  c.block_out_channels = {32, 64};
  c.motion_layers_per_block = 1;
  c.motion_num_attention_heads = 4;
  c.motion_max_seq_length = 24;
  if (text_attention) c.motion_cross_attention_dim = 64;
  return c;
}

void write_adapter(const fs::path& dir, const gen::nn::MotionAdapterConfig& c) {
  torch::manual_seed(77);
  gen::nn::MotionAdapter adapter(c);
  std::map<std::string, torch::Tensor> state;
  for (const auto& p : adapter->named_parameters()) state[p.key()] = p.value().detach().contiguous();
  for (const auto& b : adapter->named_buffers()) state[b.key()] = b.value().detach().contiguous();
  fs::create_directories(dir);
  gen::test::write_text(dir / "config.json", c.to_json().dump(2));
  gen::save_safetensors(dir / "diffusion_pytorch_model.safetensors", state);
}

struct VideoModels {
  TempDir dir;
  fs::path base, adapter, text_adapter, pipeline, wrong_adapter;
  VideoModels() {
    base = dir / "tiny-sd";
    gen::test::write_folder(base, 4);
    adapter = dir / "adapter";
    write_adapter(adapter, adapter_config(false));
    text_adapter = dir / "text-adapter";
    write_adapter(text_adapter, adapter_config(true));
    auto wrong = adapter_config(false);
    wrong.block_out_channels = {32, 32, 64};
    wrong_adapter = dir / "wrong-adapter";
    write_adapter(wrong_adapter, wrong);
    // A diffusers AnimateDiff pipeline folder: the SD parts plus motion_adapter/.
    pipeline = dir / "tiny-animatediff";
    fs::copy(base, pipeline, fs::copy_options::recursive);
    fs::copy(adapter, pipeline / "motion_adapter", fs::copy_options::recursive);
    gen::test::write_text(pipeline / "model_index.json", json{{"_class_name", "AnimateDiffPipeline"}}.dump());
  }
};

const VideoModels& video_models() {
  static VideoModels m;
  return m;
}


Args video_args(const fs::path& out, const std::string& seed = "7") {
  return {"video", "-m", video_models().adapter.string(), "-O", "base=" + video_models().base.string(), "-p", "a red circle moving up",
          "--frames", "5", "--steps", "3", "-W", "32", "-H", "32", "-s", seed, "-o", out.string(), "--threads", "1", "-q"};
}


torch::Tensor tensor_file(const fs::path& file) {
  auto tensors = gen::load_safetensors(file);
  EXPECT_EQ(tensors.size(), 1u);
  return tensors.begin()->second;
}

// A smooth colourful 32x32 picture.
void write_picture(const fs::path& path) {
  auto y = torch::arange(32).view({32, 1, 1}).expand({32, 32, 1});
  auto x = torch::arange(32).view({1, 32, 1}).expand({32, 32, 1});
  auto rgb = torch::cat({x * 8, y * 8, (x + y) * 4}, 2).clamp(0, 255);
  gen::image::write_png(path, {rgb.to(torch::kUInt8).contiguous()});
}

// Four 8-frame training clips (and two held out): enough for a few training steps.
void write_training_clips(const fs::path& data) {
  ASSERT_EQ(run_gen({"data", "video", "-o", data.string(), "--train", "4", "--heldout", "2", "--frames", "8", "-s", "3",
                     "-q"}).exit_code, 0);
}

}  // namespace

TEST(VideoTemporal, WritesEveryFormatWithTheRightFramesAndRate) {
  TempDir dir;
  for (const std::string ext : {".mp4", ".webm", ".gif", ".frames"}) {
    const auto out = dir / ("clip" + ext);
    run_ok(with(video_args(out), {"--fps", "10"}));
    const auto clip = gen::video::read_video(out);
    EXPECT_EQ(clip.frame_count(), 5) << ext;
    EXPECT_EQ(clip.width(), 32) << ext;
    EXPECT_EQ(clip.height(), 32) << ext;
    EXPECT_NEAR(clip.fps.value(), 10.0, 1e-6) << ext;
  }
  run_ok(video_args(dir / "clip.safetensors"));
  EXPECT_EQ(tensor_file(dir / "clip.safetensors").sizes(), (std::vector<int64_t>{5, 32, 32, 3}));
}

TEST(VideoTemporal, SidecarRecordsEveryParameterAndTheSeed) {
  TempDir dir;
  run_ok(with(video_args(dir / "c.gif", "11"), {"--sampler", "ddim", "--cfg-scale", "4"}));
  const auto j = sidecar(dir / "c.gif");
  EXPECT_EQ(j["seed"], 11);
  EXPECT_EQ(j["frames"], 5);
  EXPECT_EQ(j["steps"], 3);
  EXPECT_EQ(j["sampler"], "ddim");
  EXPECT_EQ(j["cfg_scale"], 4.0);
  EXPECT_EQ(j["fps"], 8.0);  // the default rate
  EXPECT_EQ(j["task"], "txt2vid");
  EXPECT_EQ(j["width"], 32);
  EXPECT_NE(j["base_model"].get<std::string>().find("tiny-sd"), std::string::npos);
}

// -O prompt_end: the frames' text travels from -p to another prompt over the clip, in
// one window or across several, with low_memory the same clip as without.
TEST(VideoTemporal, PromptTravelGivesTheFramesTextFromPromptToPromptEnd) {
  TempDir dir;
  const Args end{"-O", "prompt_end=a blue square moving down"};
  const Args windows{"-O", "context_frames=4", "-O", "context_overlap=1"};
  run_ok(video_args(dir / "plain.safetensors"));
  run_ok(with(video_args(dir / "travel.safetensors"), end));
  EXPECT_FALSE(torch::equal(tensor_file(dir / "plain.safetensors"), tensor_file(dir / "travel.safetensors")));
  const auto j = sidecar(dir / "travel.safetensors");
  EXPECT_EQ(j["prompt_end"], "a blue square moving down");
  EXPECT_EQ(j["prompt_travel"], json::parse(R"([{"at": 0.0, "prompt": "a red circle moving up"},
                                                 {"at": 1.0, "prompt": "a blue square moving down"}])"));
  EXPECT_FALSE(sidecar(dir / "plain.safetensors").contains("prompt_end"));
  EXPECT_FALSE(sidecar(dir / "plain.safetensors").contains("prompt_travel"));
  run_ok(with(video_args(dir / "long-plain.safetensors"), windows));
  run_ok(with(with(video_args(dir / "long.safetensors"), windows), end));
  EXPECT_FALSE(torch::equal(tensor_file(dir / "long-plain.safetensors"), tensor_file(dir / "long.safetensors")));
  run_ok(with(with(video_args(dir / "low.safetensors"), end), {"-O", "low_memory=true"}));
  EXPECT_TRUE(torch::allclose(tensor_file(dir / "travel.safetensors").to(torch::kInt32),
                              tensor_file(dir / "low.safetensors").to(torch::kInt32), 0, 1));
  std::string longer;
  for (int i = 0; i < 100; ++i) longer += "red ";
  gen::test::expect_one_error_line(
      run_gen(with(video_args(dir / "chunks.safetensors"), {"-O", "prompt_end=" + longer})),
      gen::kExitUsage, "77-token chunks");
  EXPECT_FALSE(fs::exists(dir / "chunks.safetensors"));
}

// Travel rules: a model folder's prompt_travel.json (or -O travel_rules) rewrites a
// motion prompt into keyframe prompts; the clip is the one the same keyframes give by hand.
TEST(VideoTemporal, TravelRulesTurnAMotionPromptIntoKeyframes) {
  TempDir dir;
  const auto rules = json::parse(R"({"rules": [{"match": [["that", ""], ["moving up", "rising"]],
      "keyframes": [{"at": 0, "prompt": "at the bottom"}, {"at": 1, "prompt": "at the top"}]}]})");
  gen::test::write_text(dir / "rules.json", rules.dump());
  run_ok(with(video_args(dir / "ruled.safetensors"), {"-O", "travel_rules=" + (dir / "rules.json").string()}));
  const auto j = sidecar(dir / "ruled.safetensors");
  ASSERT_TRUE(j.contains("prompt_travel"));
  EXPECT_EQ(j["prompt_travel"][0]["prompt"], "a red circle at the bottom");
  EXPECT_EQ(j["prompt_travel"][1]["prompt"], "a red circle at the top");
  // The same text by hand (these modules do not read text, so -p itself does not matter).
  auto by_hand = video_args(dir / "hand.safetensors");
  std::replace(by_hand.begin(), by_hand.end(), std::string("a red circle moving up"), std::string("a red circle at the bottom"));
  run_ok(with(by_hand, {"-O", "prompt_end=a red circle at the top"}));
  EXPECT_TRUE(torch::equal(tensor_file(dir / "ruled.safetensors"), tensor_file(dir / "hand.safetensors")));

  // Shipped in the model folder: used unless auto_travel=false; a prompt no rule matches runs plain.
  const auto model = dir / "model";
  fs::copy(video_models().adapter, model, fs::copy_options::recursive);
  gen::test::write_text(model / "prompt_travel.json", rules.dump());
  auto args = video_args(dir / "shipped.safetensors");
  args[2] = model.string();
  run_ok(args);
  EXPECT_TRUE(torch::equal(tensor_file(dir / "ruled.safetensors"), tensor_file(dir / "shipped.safetensors")));
  run_ok(with(video_args(dir / "off.safetensors"), {"-O", "auto_travel=false"}));
  auto off = video_args(dir / "off2.safetensors");
  off[2] = model.string();
  run_ok(with(off, {"-O", "auto_travel=false"}));
  EXPECT_FALSE(sidecar(dir / "off2.safetensors").contains("prompt_travel"));
  EXPECT_TRUE(torch::equal(tensor_file(dir / "off.safetensors"), tensor_file(dir / "off2.safetensors")));
  auto other = video_args(dir / "other.safetensors");
  other[2] = model.string();
  std::replace(other.begin(), other.end(), std::string("a red circle moving up"), std::string("a red circle"));
  run_ok(other);
  EXPECT_FALSE(sidecar(dir / "other.safetensors").contains("prompt_travel"));

  // A broken rules file is one line, exit 3, and no clip.
  gen::test::write_text(dir / "broken.json", R"({"rules": [{"match": [["up"]], "keyframes": [{"at": 1, "prompt": "x"}]}]})");
  gen::test::expect_one_error_line(
      run_gen(with(video_args(dir / "broken.safetensors"), {"-O", "travel_rules=" + (dir / "broken.json").string()})),
      gen::kExitBadInput, "broken.json");
  EXPECT_FALSE(fs::exists(dir / "broken.safetensors"));
  gen::test::expect_one_error_line(
      run_gen(with(video_args(dir / "x.safetensors"), {"-O", "auto_travel=false", "-O", "travel_rules=" + (dir / "rules.json").string()})),
      gen::kExitUsage, "auto_travel");
}

TEST(VideoTemporal, SameSeedSameBytesOtherSeedOtherClip) {
  TempDir dir;
  run_ok(video_args(dir / "a.mp4"));
  run_ok(video_args(dir / "b.mp4"));
  run_ok(video_args(dir / "c.mp4", "8"));
  EXPECT_EQ(gen::test::read_text(dir / "a.mp4"), gen::test::read_text(dir / "b.mp4"));
  EXPECT_NE(gen::test::read_text(dir / "a.mp4"), gen::test::read_text(dir / "c.mp4"));
}

TEST(VideoTemporal, EveryCoreSamplerRuns) {
  TempDir dir;
  for (const auto& name : gen::sampler_names()) {
    auto r = run_gen(with(video_args(dir / (name + ".safetensors")), {"--sampler", name, "--frames", "3"}));
    if (r.exit_code == gen::kExitUsage && r.err.find("flow") != std::string::npos) continue;  // flow-matching samplers
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
    EXPECT_EQ(tensor_file(dir / (name + ".safetensors")).size(0), 3) << name;
  }
}

TEST(VideoTemporal, ImageToVideoKeepsTheFirstFrameExactly) {
  TempDir dir;
  write_picture(dir / "first.png");
  run_ok(with(video_args(dir / "i2v.safetensors"), {"-i", (dir / "first.png").string(), "-W", "32"}));
  const auto frames = tensor_file(dir / "i2v.safetensors");
  const auto picture = gen::image::read_image(dir / "first.png").pixels;
  EXPECT_TRUE(torch::equal(frames[0], picture));
  EXPECT_FALSE(torch::equal(frames[1], picture));
  EXPECT_EQ(sidecar(dir / "i2v.safetensors")["task"], "img2vid");
}

TEST(VideoTemporal, VideoToVideoFollowsTheClipAndItsStrength) {
  TempDir dir;
  run_ok(with(video_args(dir / "src.mp4"), {"--frames", "6", "--fps", "12"}));
  const Args v2v{"-i", (dir / "src.mp4").string(), "--frames", "4"};
  run_ok(with(video_args(dir / "weak.safetensors"), with(v2v, {"--strength", "0.3"})));
  run_ok(with(video_args(dir / "strong.safetensors"), with(v2v, {"--strength", "0.9"})));
  EXPECT_EQ(tensor_file(dir / "weak.safetensors").size(0), 4);
  EXPECT_FALSE(torch::equal(tensor_file(dir / "weak.safetensors"), tensor_file(dir / "strong.safetensors")));
  const auto j = sidecar(dir / "weak.safetensors");
  EXPECT_EQ(j["task"], "vid2vid");
  EXPECT_EQ(j["strength"], 0.3);
  EXPECT_EQ(j["fps"], 12.0);  // the clip's rate when --fps is not given
  auto r = run_gen(with(video_args(dir / "x.mp4"), {"-i", (dir / "src.mp4").string(), "--frames", "9"}));
  gen::test::expect_one_error_line(r, gen::kExitBadInput, "has 6 frames");
}

TEST(VideoTemporal, LongClipsRunInOverlappingContextWindows) {
  TempDir dir;
  run_ok(with(video_args(dir / "long.safetensors"), {"--frames", "30", "-O", "context_frames=8", "-O", "context_overlap=3"}));
  EXPECT_EQ(tensor_file(dir / "long.safetensors").size(0), 30);
  EXPECT_EQ(sidecar(dir / "long.safetensors")["context_frames"], 8);
  // More frames than the adapter has positions only work in windows.
  auto r = run_gen(with(video_args(dir / "x.mp4"), {"-O", "context_frames=30"}));
  gen::test::expect_one_error_line(r, gen::kExitUsage, "24 frame positions");
}

TEST(VideoTemporal, LowMemoryGivesTheSameClip) {
  TempDir dir;
  run_ok(video_args(dir / "a.safetensors"));
  run_ok(with(video_args(dir / "b.safetensors"), {"-O", "low_memory=true", "-O", "decode_chunk=2"}));
  EXPECT_TRUE(torch::allclose(tensor_file(dir / "a.safetensors").to(torch::kInt32),
                              tensor_file(dir / "b.safetensors").to(torch::kInt32), 0, 1));
}

TEST(VideoTemporal, BatchWritesOneClipPerSeedAndPreviews) {
  TempDir dir;
  run_ok(with(video_args(dir / "b.gif"), {"-b", "2", "--preview-every", "1"}));
  for (int i = 0; i < 2; ++i) {
    const auto out = dir / ("b_" + std::to_string(i) + ".gif");
    EXPECT_EQ(gen::video::read_video(out).frame_count(), 5);
    EXPECT_EQ(sidecar(out)["seed"], 7 + i);
  }
  bool preview = false;
  for (const auto& e : fs::directory_iterator(dir.path())) preview |= e.path().filename().string().find(".preview") != std::string::npos;
  EXPECT_TRUE(preview);
}

TEST(VideoTemporal, TextAttendingAdaptersAndPipelineFoldersLoad) {
  TempDir dir;
  Args text = video_args(dir / "t.safetensors");
  text[2] = video_models().text_adapter.string();
  run_ok(text);
  run_ok({"video", "-m", video_models().pipeline.string(), "-p", "a circle", "--frames", "3", "--steps", "2", "-W", "32", "-H",
          "32", "-o", (dir / "p.gif").string(), "--threads", "1", "-q"});
  EXPECT_EQ(gen::video::read_video(dir / "p.gif").frame_count(), 3);
}

// PYoCo's mixed noise prior at generation: the frames' starting noise shares a part, so
// they start (and with these weights end) nearer each other; the model's
// generation_defaults.json decides it unless -O shared_noise does.
TEST(VideoTemporal, SharedNoiseStartsTheFramesAlike) {
  TempDir dir;
  auto frame_spread = [](const fs::path& file) {
    const auto f = tensor_file(file).to(torch::kFloat32);  // [F, H, W, 3]
    return (f - f.mean(0, true)).abs().mean().item<double>();
  };
  run_ok(video_args(dir / "independent.safetensors"));
  run_ok(with(video_args(dir / "shared.safetensors"), {"-O", "shared_noise=3"}));
  EXPECT_EQ(sidecar(dir / "independent.safetensors")["shared_noise"], 0.0);
  EXPECT_EQ(sidecar(dir / "shared.safetensors")["shared_noise"], 3.0);
  EXPECT_LT(frame_spread(dir / "shared.safetensors"), 0.8 * frame_spread(dir / "independent.safetensors"));

  const auto adapter = dir / "adapter";
  fs::copy(video_models().adapter, adapter, fs::copy_options::recursive);
  gen::test::write_text(adapter / "generation_defaults.json", json{{"shared_noise", 3.0}}.dump());
  Args from_model = video_args(dir / "model.safetensors");
  from_model[2] = adapter.string();
  run_ok(from_model);
  EXPECT_TRUE(torch::equal(tensor_file(dir / "model.safetensors"), tensor_file(dir / "shared.safetensors")));
  run_ok(with(from_model, {"-O", "shared_noise=0", "-o", (dir / "off.safetensors").string()}));
  EXPECT_TRUE(torch::equal(tensor_file(dir / "off.safetensors"), tensor_file(dir / "independent.safetensors")));

  gen::test::write_text(adapter / "generation_defaults.json", json{{"shared_noise", -1.0}}.dump());
  gen::test::expect_one_error_line(run_gen(from_model), gen::kExitModel, "shared_noise");
  gen::test::expect_one_error_line(run_gen(with(video_args(dir / "x.mp4"), {"-O", "shared_noise=-2"})),
                                   gen::kExitUsage, "shared_noise");
}

// `gen train video_temporal -m motion` end to end on the tiny base: a few steps with the
// mixed noise prior (and the noisiest timesteps drawn more often, 3D convolution blocks,
// spatial positions, a prompt travel, the frame-change loss), an adapter that `gen video`
// runs, starting from the same noise mix.
TEST(VideoTemporal, TrainsMotionModulesWithSharedNoiseAndConvolutions) {
  TempDir dir;
  const auto data = dir / "data";
  ASSERT_NO_FATAL_FAILURE(write_training_clips(data));
  const auto run = dir / "run";
  const Args train = {"train", "video_temporal", "-m", "motion", "-o", run.string(), "-O", "data=" + data.string(),
                      "-O", "base=" + video_models().base.string(), "-O", "frames=4", "-O", "batch=2", "-O", "steps=2",
                      "-O", "shared_noise=1.5", "-s", "1", "--threads", "1", "-q"};
  auto r = run_gen(with(train, {"-O", "timestep_bias=later", "-O", "timestep_bias_multiplier=3", "-O", "conv3d=4",
                                 "-O", "spatial_positions=true", "-O", "prompt_travel=8", "-O", "frame_change_loss=0.1"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  gen::test::expect_one_error_line(run_gen(with(train, {"-O", "conv3d=3"})), gen::kExitUsage, "conv3d=3");
  gen::test::expect_one_error_line(run_gen(with(train, {"-O", "freeze_modules=true"})), gen::kExitUsage,
                                   "freeze_modules=true needs prompt_travel");
  gen::test::expect_one_error_line(run_gen(with(train, {"-O", "frame_change_loss=-1"})), gen::kExitUsage,
                                   "frame_change_loss");
  const auto trainer = json::parse(gen::test::read_text(run / "trainer.json"))["config"];
  EXPECT_EQ(trainer["timestep_bias"], "later");
  EXPECT_EQ(trainer["timestep_bias_multiplier"], 3.0);
  gen::test::expect_one_error_line(run_gen(with(train, {"-O", "timestep_bias=sideways"})),
                                   gen::kExitUsage, "timestep_bias");
  const auto adapter = run / "motion_adapter";
  ASSERT_TRUE(fs::exists(adapter / "config.json"));
  const auto config = json::parse(gen::test::read_text(adapter / "config.json"));
  EXPECT_EQ(config["motion_conv3d_reduction"], 4);
  EXPECT_EQ(config["motion_spatial_positions"], true);
  EXPECT_EQ(config["motion_prompt_travel_dim"], 8);
  const auto tensors = gen::test::read_text(adapter / "diffusion_pytorch_model.safetensors");
  EXPECT_NE(tensors.find("prompt_travel.out.weight"), std::string::npos);
  EXPECT_EQ(json::parse(gen::test::read_text(adapter / "generation_defaults.json"))["shared_noise"], 1.5);
  // The frame-change term is in the loss: the same run without it ends elsewhere.
  const auto plain_run = dir / "plain";
  Args plain = with(train, {"-O", "timestep_bias=later", "-O", "timestep_bias_multiplier=3", "-O", "conv3d=4", "-O",
                            "spatial_positions=true", "-O", "prompt_travel=8"});
  std::replace(plain.begin(), plain.end(), run.string(), plain_run.string());
  run_ok(plain);
  const auto weights = "diffusion_pytorch_model.safetensors";
  EXPECT_NE(gen::test::read_text(plain_run / "motion_adapter" / weights), gen::test::read_text(adapter / weights));
  // freeze_modules: the prompt travel trains alone, the modules keep their zero output.
  const auto frozen_run = dir / "frozen";
  Args frozen = with(train, {"-O", "prompt_travel=8", "-O", "freeze_modules=true"});
  std::replace(frozen.begin(), frozen.end(), run.string(), frozen_run.string());
  run_ok(frozen);
  const auto proj_out = "down_blocks.0.motion_modules.0.proj_out.weight";
  EXPECT_EQ(gen::load_safetensors(frozen_run / "motion_adapter" / weights).at(proj_out).abs().max().item<double>(), 0.0);
  EXPECT_GT(gen::load_safetensors(adapter / weights).at(proj_out).abs().max().item<double>(), 0.0);
  Args generate = video_args(dir / "clip.safetensors");
  generate[2] = adapter.string();
  run_ok(with(generate, {"--frames", "4"}));
  EXPECT_EQ(sidecar(dir / "clip.safetensors")["shared_noise"], 1.5);
  EXPECT_EQ(tensor_file(dir / "clip.safetensors").size(0), 4);
}

// -O text_width: the motion modules get a text tower of their own (one token per
// caption word), trained with them and saved in the adapter; `gen video` reads it.
TEST(VideoTemporal, TrainsMotionModulesWithTheirOwnTextTower) {
  TempDir dir;
  const auto data = dir / "data";
  ASSERT_NO_FATAL_FAILURE(write_training_clips(data));
  const auto run = dir / "run";
  const Args train = {"train", "video_temporal", "-m", "motion", "-o", run.string(), "-O", "data=" + data.string(),
                      "-O", "base=" + video_models().base.string(), "-O", "frames=4", "-O", "batch=2", "-O", "steps=2",
                      "-O", "text_width=16", "-O", "text_layers=1", "-s", "1", "--threads", "1", "-q"};
  auto r = run_gen(train);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto adapter = run / "motion_adapter";
  EXPECT_EQ(json::parse(gen::test::read_text(adapter / "config.json"))["motion_cross_attention_dim"], 16);
  EXPECT_EQ(json::parse(gen::test::read_text(adapter / "text_encoder" / "config.json"))["hidden_size"], 16);
  // One token per word of the captions (motion words included, which the image tower splits).
  const auto tokenizer = gen::nn::ClipTokenizer::from_folder(adapter / "tokenizer");
  const auto first = gen::test::read_text(data / "train" / "clips.jsonl");
  const auto caption = json::parse(first.substr(0, first.find('\n')))["captions"][0].get<std::string>();
  std::istringstream words(caption);
  for (std::string word; words >> word;)
    if (word.back() != ',') EXPECT_EQ(tokenizer.encode(word).size(), 1u) << word;

  Args generate = video_args(dir / "clip.safetensors");
  generate[2] = adapter.string();
  run_ok(with(generate, {"--frames", "4"}));
  EXPECT_EQ(sidecar(dir / "clip.safetensors")["motion_text_encoder"], (adapter / "text_encoder").string());
  run_ok(with(generate, {"--frames", "4", "-p", "a red circle growing", "-o", (dir / "other.safetensors").string()}));
  EXPECT_FALSE(torch::equal(tensor_file(dir / "clip.safetensors"), tensor_file(dir / "other.safetensors")));

  // motion_cfg_scale weighs the motion text alone (ChainedGuidance): equal to the CFG
  // scale it is plain CFG, byte for byte; another value moves the clip.
  const auto guided = [&](const std::string& name, Args extra) {
    extra.insert(extra.end(), {"--frames", "4", "--cfg-scale", "5", "-o", (dir / name).string()});
    run_ok(with(generate, extra));
    return tensor_file(dir / name);
  };
  const auto plain = guided("plain.safetensors", {});
  EXPECT_TRUE(torch::equal(plain, guided("same.safetensors", {"-O", "motion_cfg_scale=5"})));
  EXPECT_FALSE(torch::equal(plain, guided("motion.safetensors", {"-O", "motion_cfg_scale=60"})));
  EXPECT_EQ(sidecar(dir / "motion.safetensors")["motion_cfg_scale"], 60.0);
  EXPECT_EQ(sidecar(dir / "plain.safetensors")["motion_cfg_scale"], 5.0);
  gen::test::expect_one_error_line(run_gen(with(video_args(dir / "x.gif"), {"-O", "motion_cfg_scale=3"})),
                                   gen::kExitUsage, "motion_cfg_scale");
  gen::test::expect_one_error_line(run_gen(with(generate, {"-O", "motion_cfg_scale=nan"})), gen::kExitUsage,
                                   "motion_cfg_scale");

  gen::test::expect_one_error_line(run_gen(with(train, {"-O", "text_attention=false"})), gen::kExitUsage,
                                   "text_attention");
  fs::remove_all(adapter / "text_encoder");
  gen::test::expect_one_error_line(run_gen(with(generate, {"--frames", "4"})), gen::kExitModel, "text_encoder/");
}

// -m text pretrains the modules' tower contrastively against the clips; -m motion then
// reads it (-O text_encoder=RUN), fixed with freeze_text: the adapter carries it unchanged.
TEST(VideoTemporal, PretrainedTextTowerIsReadFixedByTheMotionStage) {
  TempDir dir;
  const auto data = dir / "data";
  ASSERT_NO_FATAL_FAILURE(write_training_clips(data));
  const auto text_run = dir / "text";
  const Args text = {"train", "video_temporal", "-m", "text", "-o", text_run.string(), "-O", "data=" + data.string(),
                     "-O", "base=" + video_models().base.string(), "-O", "text_width=16", "-O", "text_layers=1",
                     "-O", "clip_width=8", "-O", "batch=4", "-O", "steps=3", "-s", "1", "--threads", "1", "-q"};
  auto r = run_gen(text);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(gen::test::read_text(text_run / "text_encoder" / "config.json"))["hidden_size"], 16);
  const auto report = json::parse(gen::test::read_text(text_run / "text_report.json"));
  EXPECT_EQ(report["train"]["captions"], 4);
  EXPECT_EQ(report["heldout"]["captions"], 2);
  EXPECT_GE(report["train"]["top1"].get<double>(), 0.0);
  EXPECT_LE(report["train"]["top3"].get<double>(), 1.0);
  EXPECT_EQ(report["contrast"], "clip");

  // contrast=change: the same seed set against the frame-to-frame change trains another tower.
  const auto change_run = dir / "text-change";
  auto change_args = with(text, {"-O", "contrast=change"});
  change_args[5] = change_run.string();
  r = run_gen(change_args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto change_report = json::parse(gen::test::read_text(change_run / "text_report.json"));
  EXPECT_EQ(change_report["contrast"], "change");
  EXPECT_EQ(change_report["heldout"]["captions"], 2);
  const auto by_clip = gen::load_safetensors(text_run / "text_encoder" / "model.safetensors");
  const auto by_change = gen::load_safetensors(change_run / "text_encoder" / "model.safetensors");
  bool differs = false;
  for (const auto& [name, tensor] : by_clip) differs |= !torch::equal(by_change.at(name), tensor);
  EXPECT_TRUE(differs);
  gen::test::expect_one_error_line(run_gen(with(text, {"-O", "contrast=colour"})), gen::kExitUsage, "contrast");

  const auto run = dir / "run";
  const Args motion = {"train", "video_temporal", "-m", "motion", "-o", run.string(), "-O", "data=" + data.string(),
                       "-O", "base=" + video_models().base.string(), "-O", "frames=4", "-O", "batch=2", "-O", "steps=2",
                       "-O", "text_encoder=" + text_run.string(), "-O", "freeze_text=true", "-s", "1", "--threads", "1",
                       "-q"};
  r = run_gen(motion);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto adapter = run / "motion_adapter";
  EXPECT_EQ(json::parse(gen::test::read_text(adapter / "config.json"))["motion_cross_attention_dim"], 16);
  const auto pretrained = gen::load_safetensors(text_run / "text_encoder" / "model.safetensors");
  const auto saved = gen::load_safetensors(adapter / "text_encoder" / "model.safetensors");
  ASSERT_EQ(saved.size(), pretrained.size());
  for (const auto& [name, tensor] : pretrained) {
    ASSERT_TRUE(saved.count(name)) << name;
    EXPECT_TRUE(torch::equal(saved.at(name), tensor)) << name;
  }
  EXPECT_EQ(gen::test::read_text(adapter / "tokenizer" / "vocab.json"), gen::test::read_text(text_run / "tokenizer" / "vocab.json"));
  Args generate = video_args(dir / "clip.safetensors");
  generate[2] = adapter.string();
  run_ok(with(generate, {"--frames", "4"}));

  // Trained on (freeze_text false), the tower moves.
  r = run_gen(with(motion, {"-O", "freeze_text=false", "-o", (dir / "run2").string()}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto moved = gen::load_safetensors(dir / "run2" / "motion_adapter" / "text_encoder" / "model.safetensors");
  bool changed = false;
  for (const auto& [name, tensor] : pretrained) changed |= !torch::equal(moved.at(name), tensor);
  EXPECT_TRUE(changed);

  gen::test::expect_one_error_line(run_gen(with(motion, {"-O", "text_width=16"})), gen::kExitUsage, "not both");
  gen::test::expect_one_error_line(run_gen(with(motion, {"-O", "text_encoder=" + data.string()})), gen::kExitBadInput,
                                   "-m text");
  Args unfrozen_alone(motion.begin(), motion.end());
  unfrozen_alone.erase(unfrozen_alone.end() - 9, unfrozen_alone.end() - 7);  // drop -O text_encoder=...
  gen::test::expect_one_error_line(run_gen(unfrozen_alone), gen::kExitUsage, "freeze_text");
  gen::test::expect_one_error_line(run_gen(with(text, {"-O", "clip_width=10"})), gen::kExitUsage, "multiples of 4");
}

TEST(VideoTemporal, ErrorsAreOneLineWithTheirExitCode) {
  TempDir dir;
  const auto out = dir / "x.mp4";
  gen::test::expect_one_error_line(
      run_gen({"video", "-m", video_models().adapter.string(), "-p", "x", "-o", out.string(), "-q"}), gen::kExitUsage,
      "-O base=");
  auto wrong = video_args(out);
  wrong[2] = video_models().wrong_adapter.string();
  gen::test::expect_one_error_line(run_gen(wrong), gen::kExitModel, "number of blocks");
  gen::test::expect_one_error_line(run_gen(with(video_args(out), {"-i", (dir / "none.png").string()})),
                                   gen::kExitUsage, "does not exist");
  gen::test::write_text(dir / "broken.mp4", std::string("\x00\x00\x00\x18" "ftypmp42 truncated", 22));
  gen::test::expect_one_error_line(run_gen(with(video_args(out), {"-i", (dir / "broken.mp4").string()})),
                                   gen::kExitBadInput, "broken.mp4");
  gen::test::expect_one_error_line(run_gen(with(video_args(out), {"--strength", "0.5"})), gen::kExitUsage, "-i");
  gen::test::expect_one_error_line(run_gen(with(video_args(out), {"-W", "31"})), gen::kExitUsage, "multiples of 2");
  gen::test::expect_one_error_line(run_gen(with(video_args(out), {"-O", "context_frames=4", "-O", "context_overlap=4"})),
                                   gen::kExitUsage, "context_overlap");
  gen::test::expect_one_error_line(run_gen(with(video_args(out), {"--mask", "m.png"})), gen::kExitUsage, "mask");
  EXPECT_FALSE(fs::exists(out));
}
