// `gen motion` end to end on a seeded random-weight MDM (tiny, so every run takes a
// second): every output format, rates and lengths, every sampler, determinism,
// in-betweening and body-part editing keeping what they keep, a bare MDM file with
// its parts named by -O, and errors with one line and the right exit code.
#include <gen/error.h>
#include <gen/motion/bvh.h>
#include <gen/motion/feature_normalizer.h>
#include <gen/motion/humanml_features.h>
#include <gen/motion/motion_io.h>
#include <gen/motion/npy.h>
#include <gen/motion/quaternion.h>
#include <gen/nn/clip_text_embedder.h>
#include <gen/nn/clip_vocabulary.h>
#include <gen/nn/mdm.h>
#include <gen/safetensors.h>
#include <gen/sampler.h>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace fs = std::filesystem;
using gen::test::Args;
using gen::test::run_gen;
using gen::test::run_ok;
using gen::test::sidecar;
using gen::test::with;
using gen::test::TempDir;
using nlohmann::json;

namespace {

gen::nn::MdmConfig tiny_mdm_config() {
  gen::nn::MdmConfig c;
  c.latent_dim = 32;
  c.layers = 1;
  c.ff_size = 64;
  c.num_heads = 4;
  c.clip_dim = 16;
  c.pos_embed_max_len = 1001;
  return c;
}

// Features close to a person standing still: root height about 0.9 m, small spreads.
gen::motion::FeatureNormalizer tiny_normalizer() {
  auto mean = torch::zeros({263}), std = torch::full({263}, 0.02);
  mean[3] = 0.9;
  return gen::motion::FeatureNormalizer(mean, std, "humanml3d-263");
}

std::map<std::string, torch::Tensor> weights_of(const torch::nn::Module& m) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& p : m.named_parameters()) out[p.key()] = p.value().detach().contiguous();
  return out;
}

struct MdmModels {
  TempDir dir;
  fs::path folder, bare_file, text_encoder, normalizer_npy;
  MdmModels() {
    folder = dir / "tiny-motion";
    torch::manual_seed(31);
    gen::nn::MdmTransformer mdm(tiny_mdm_config());
    fs::create_directories(folder / "mdm");
    gen::test::write_text(folder / "mdm" / "config.json", mdm->config().to_json().dump(2));
    gen::save_safetensors(folder / "mdm" / "model.safetensors", weights_of(*mdm));
    const int64_t vocab = gen::nn::write_clip_vocabulary(folder / "tokenizer", {"person", "walks", "jumps", "waves"});
    gen::nn::ClipTextConfig text;
    text.vocab_size = vocab;
    text.hidden_size = 32;
    text.intermediate_size = 64;
    text.num_hidden_layers = 1;
    text.num_attention_heads = 4;
    text.max_position_embeddings = 16;
    gen::nn::ClipTextEmbedder embedder(text, 16);
    gen::nn::save_clip_text_embedder(folder / "text_encoder", embedder);
    tiny_normalizer().save(folder / "normalizer.safetensors");
    gen::test::write_text(folder / "generation_defaults.json",
                          json{{"steps", 4}, {"cfg_scale", 2.5}, {"duration", 2.0}, {"sampler", "ddim"}}.dump());

    // The same network as a bare MDM file with its parts elsewhere, as a converted MDM is run.
    bare_file = dir / "mdm_converted.safetensors";
    gen::save_safetensors(bare_file, weights_of(*mdm));
    text_encoder = folder / "text_encoder";
    fs::copy(folder / "tokenizer" / "vocab.json", text_encoder / "vocab.json");
    fs::copy(folder / "tokenizer" / "merges.txt", text_encoder / "merges.txt");
    normalizer_npy = dir / "humanml_stats";
    fs::create_directories(normalizer_npy);
    gen::motion::write_npy(normalizer_npy / "Mean.npy", tiny_normalizer().mean());
    gen::motion::write_npy(normalizer_npy / "Std.npy", tiny_normalizer().std());
  }
};

const MdmModels& mdm_models() {
  static MdmModels m;
  return m;
}


Args motion_args(const fs::path& out, const std::string& seed = "7") {
  return {"motion", "-m", mdm_models().folder.string(), "-p", "a person walks", "--steps", "3",
          "-s", seed, "-o", out.string(), "--threads", "1", "-q"};
}


// A smpl22 motion that walks forward 1 m in 2 s while swinging its arms, at 20 fps.
gen::motion::Motion walking_motion(int64_t frames) {
  const auto& s = gen::motion::smpl22();
  auto rotations = gen::motion::quat_identity({frames, 22});
  auto phase = torch::arange(frames, torch::kFloat32) * (2 * M_PI / 20.0);
  for (const char* joint : {"left_shoulder", "right_hip"})
    rotations.select(1, s.index_of(joint)) =
        gen::motion::quat_from_axis_angle(torch::tensor({1.0f, 0.0f, 0.0f}).expand({frames, 3}), 0.4 * phase.sin());
  for (const char* joint : {"right_shoulder", "left_hip"})
    rotations.select(1, s.index_of(joint)) =
        gen::motion::quat_from_axis_angle(torch::tensor({1.0f, 0.0f, 0.0f}).expand({frames, 3}), -0.4 * phase.sin());
  auto root = torch::zeros({frames, 3});
  root.select(1, 1).fill_(0.95f);
  root.select(1, 2).copy_(torch::arange(frames, torch::kFloat32) * 0.025f);
  root.select(1, 0).fill_(2.0f);  // away from the origin: the output must come back here
  return gen::motion::motion_from_rotations(s, rotations, root, 20);
}

}  // namespace

TEST(MotionMdm, WritesEveryFormatWithTheRightFramesAndRate) {
  TempDir dir;
  for (const std::string ext : {".bvh", ".json", ".npy"}) {
    const auto out = dir / ("walk" + ext);
    run_ok(with(motion_args(out), {"--duration", "2"}));
    const auto motion = gen::motion::read_motion(out);
    EXPECT_EQ(motion.frame_count(), 40) << ext;
    EXPECT_EQ(motion.skeleton.joint_count(), 22) << ext;
    if (ext != ".npy") EXPECT_NEAR(motion.fps, 20.0, 1e-6) << ext;
  }
  for (const std::string ext : {".mp4", ".gif"}) {
    const auto out = dir / ("walk" + ext);
    run_ok(with(motion_args(out), {"--frames", "10"}));
    EXPECT_GT(fs::file_size(out), 100u) << ext;
  }
  run_ok(with(motion_args(dir / "walk30.json"), {"--fps", "30", "--duration", "1"}));
  const auto at30 = gen::motion::read_motion(dir / "walk30.json");
  EXPECT_NEAR(at30.fps, 30.0, 1e-6);
  EXPECT_NEAR(at30.frame_count(), 30, 1);
  const auto j = sidecar(dir / "walk.json");
  EXPECT_EQ(j.at("seed"), 7);
  EXPECT_EQ(j.at("sampler"), "ddim");
  EXPECT_EQ(j.at("skeleton"), "smpl22");
  EXPECT_EQ(j.at("task"), "text-to-motion");
  EXPECT_EQ(j.at("steps"), 3);
}

TEST(MotionMdm, SameSeedSameBytesOtherSeedOtherMotion) {
  TempDir dir;
  run_ok(motion_args(dir / "a.npy", "5"));
  run_ok(motion_args(dir / "b.npy", "5"));
  run_ok(motion_args(dir / "c.npy", "6"));
  EXPECT_EQ(gen::test::read_text(dir / "a.npy"), gen::test::read_text(dir / "b.npy"));
  EXPECT_NE(gen::test::read_text(dir / "a.npy"), gen::test::read_text(dir / "c.npy"));
}

TEST(MotionMdm, EverySamplerRuns) {
  TempDir dir;
  for (const auto& sampler : gen::sampler_names()) {
    if (sampler.find("flow") != std::string::npos) continue;
    auto r = run_gen(with(motion_args(dir / "m.npy"), {"--sampler", sampler, "--frames", "8"}));
    if (sampler == "pndm") {  // PNDM is defined for epsilon and v models; MDM predicts x0
      gen::test::expect_one_error_line(r, 2, "epsilon or v_prediction");
      continue;
    }
    EXPECT_EQ(r.exit_code, 0) << sampler << ": " << r.err;
  }
}

TEST(MotionMdm, NegativePromptAndCfgChangeTheMotion) {
  TempDir dir;
  run_ok(motion_args(dir / "a.npy"));
  run_ok(with(motion_args(dir / "b.npy"), {"-n", "a person jumps"}));
  run_ok(with(motion_args(dir / "c.npy"), {"--cfg-scale", "1"}));
  EXPECT_NE(gen::test::read_text(dir / "a.npy"), gen::test::read_text(dir / "b.npy"));
  EXPECT_NE(gen::test::read_text(dir / "a.npy"), gen::test::read_text(dir / "c.npy"));
}

TEST(MotionMdm, InBetweeningKeepsTheKeptFramesExactly) {
  TempDir dir;
  const auto input = dir / "in.bvh";
  gen::motion::write_bvh(input, walking_motion(41));
  const auto original = gen::motion::read_motion(input).positions;
  run_ok(with(motion_args(dir / "out.json"), {"-i", input.string(), "--keep-frames", "10"}));
  const auto out = gen::motion::read_motion(dir / "out.json").positions;
  // 41 frames of positions give 40 frames of features: the output has 40 frames.
  ASSERT_EQ(out.size(0), 40);
  EXPECT_TRUE(torch::allclose(out.narrow(0, 0, 10), original.narrow(0, 0, 10), 0, 1e-4));
  EXPECT_TRUE(torch::allclose(out.narrow(0, 30, 10), original.narrow(0, 31, 10), 0, 1e-4));
  EXPECT_GT((out.narrow(0, 12, 16) - original.narrow(0, 12, 16)).abs().max().item<float>(), 1e-3);
  EXPECT_EQ(sidecar(dir / "out.json").at("task"), "in-betweening");
  // A longer output keeps the input's ends and generates more in between.
  run_ok(with(motion_args(dir / "long.json"), {"-i", input.string(), "--keep-frames", "5:8", "--duration", "3"}));
  const auto longer = gen::motion::read_motion(dir / "long.json").positions;
  ASSERT_EQ(longer.size(0), 60);
  EXPECT_TRUE(torch::allclose(longer.narrow(0, 0, 5), original.narrow(0, 0, 5), 0, 1e-4));
  EXPECT_TRUE(torch::allclose(longer.narrow(0, 52, 8), original.narrow(0, 33, 8), 0, 1e-4));
}

TEST(MotionMdm, BodyPartEditingKeepsTheKeptJoints) {
  TempDir dir;
  const auto input = dir / "in.bvh";
  gen::motion::write_bvh(input, walking_motion(41));
  const auto original = gen::motion::read_motion(input).positions.narrow(0, 0, 40);
  run_ok(with(motion_args(dir / "out.json"), {"-i", input.string(), "--keep-joints", "lower"}));
  const auto out = gen::motion::read_motion(dir / "out.json").positions;
  ASSERT_EQ(out.size(0), 40);
  const auto& s = gen::motion::smpl22();
  for (const char* joint : {"pelvis", "left_knee", "right_foot"}) {
    const int j = s.index_of(joint);
    EXPECT_LT((out.select(1, j) - original.select(1, j)).abs().max().item<float>(), 2e-3) << joint;
  }
  const int wrist = s.index_of("left_wrist");
  EXPECT_GT((out.select(1, wrist) - original.select(1, wrist)).abs().max().item<float>(), 1e-2);
  EXPECT_EQ(sidecar(dir / "out.json").at("task"), "body-part editing");
}

TEST(MotionMdm, BareMdmFileRunsWithItsPartsNamed) {
  TempDir dir;
  const auto& m = mdm_models();
  auto args = Args{"motion", "-m", m.bare_file.string(), "-O", "text_encoder=" + m.text_encoder.string(), "-O",
                   "normalizer=" + m.normalizer_npy.string(), "-p", "a person walks", "--steps", "3", "-s", "7",
                   "--duration", "2", "-o", (dir / "bare.npy").string(), "--threads", "1", "-q", "--sampler", "ddim",
                   "--cfg-scale", "2.5"};
  run_ok(args);
  run_ok(with(motion_args(dir / "folder.npy"), {"--duration", "2"}));
  EXPECT_EQ(gen::test::read_text(dir / "bare.npy"), gen::test::read_text(dir / "folder.npy"));
  auto r = run_gen({"motion", "-m", m.bare_file.string(), "-p", "x", "-o", (dir / "x.bvh").string(), "-q"});
  gen::test::expect_one_error_line(r, 4, "text_encoder");
}

TEST(MotionMdm, BadRequestsGetOneLineAndTheRightExitCode) {
  TempDir dir;
  const auto out = dir / "x.bvh";
  const auto input = dir / "in.bvh";
  gen::motion::write_bvh(input, walking_motion(41));
  gen::test::write_text(dir / "broken.bvh", "HIERARCHY\nROOT pelvis\n{\n  OFFSET 0 0\n");
  gen::test::expect_one_error_line(run_gen(with(motion_args(out), {"--keep-frames", "5"})), 2, "-i");
  gen::test::expect_one_error_line(run_gen(with(motion_args(out), {"-i", input.string()})), 2, "--keep-frames");
  gen::test::expect_one_error_line(
      run_gen(with(motion_args(out), {"-i", input.string(), "--keep-frames", "abc"})), 2, "keep-frames");
  gen::test::expect_one_error_line(
      run_gen(with(motion_args(out), {"-i", input.string(), "--keep-frames", "20"})), 2, "nothing is left");
  gen::test::expect_one_error_line(
      run_gen(with(motion_args(out), {"-i", input.string(), "--keep-joints", "tail"})), 2, "tail");
  gen::test::expect_one_error_line(run_gen(with(motion_args(out), {"--skeleton", "horse"})), 2, "horse");
  gen::test::expect_one_error_line(run_gen(with(motion_args(out), {"--duration", "2", "--frames", "9"})), 2, "not both");
  gen::test::expect_one_error_line(run_gen(with(motion_args(out), {"--duration", "600"})), 2, "position table");
  gen::test::expect_one_error_line(
      run_gen(with(motion_args(out), {"-i", (dir / "broken.bvh").string(), "--keep-frames", "5"})), 3, "broken.bvh");
  gen::test::expect_one_error_line(run_gen(with(motion_args(dir / "x.png"), {})), 2, ".png");
  EXPECT_FALSE(fs::exists(out));
}
