// `gen train image_ldm -m vae|clip|unet` end to end on a tiny dataset and two steps
// each: every stage exports its diffusers part, the unet stage assembles a complete
// folder, and `gen image` runs that folder. Training quality is docs/model-zoo.md's
// business; this checks the plumbing the shipped model was made with.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include <gen/safetensors.h>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using gen::test::run_gen;

const fs::path kAssets = fs::path(GEN_SOURCE_DIR) / "assets" / "default-image";

// The unet stage's frozen parts, taken from the shipped model.
std::vector<std::string> shipped_frozen_parts() {
  return {"-O", "vae=" + (kAssets / "vae").string(), "-O", "text_encoder=" + (kAssets / "text_encoder").string(),
          "-O", "tokenizer=" + (kAssets / "tokenizer").string()};
}

TEST(ImageLdmTrain, EveryStageExportsAndTheResultGenerates) {
  gen::test::TempDir dir;
  const auto data = (dir / "data").string(), run = (dir / "run").string();
  ASSERT_EQ(run_gen({"data", "image", "-o", data, "--train", "16", "--heldout", "4", "-s", "1", "-q"}).exit_code, 0);
  const std::vector<std::string> quick = {"-O", "steps=2", "-O", "batch=4", "-O", "checkpoint_every=0", "-s", "3",
                                          "--threads", "1", "-q"};
  auto train = [&](const std::string& part, std::vector<std::string> extra) {
    std::vector<std::string> args = {"train", "image_ldm", "-m", part, "-o", run + "/" + part, "-O", "data=" + data};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), quick.begin(), quick.end());
    return run_gen(args);
  };
  auto vae = train("vae", {"-O", "channels=16,16,32"});
  ASSERT_EQ(vae.exit_code, 0) << vae.err;
  EXPECT_TRUE(fs::exists(dir / "run/vae/vae/diffusion_pytorch_model.safetensors"));
  const auto vae_config = nlohmann::json::parse(gen::test::read_text(dir / "run/vae/vae/config.json"));
  EXPECT_EQ(vae_config["block_out_channels"], nlohmann::json({16, 16, 32}));
  EXPECT_GT(vae_config["scaling_factor"].get<double>(), 0.0);
  auto clip = train("clip", {});
  ASSERT_EQ(clip.exit_code, 0) << clip.err;
  EXPECT_TRUE(fs::exists(dir / "run/clip/clip_vision/model.safetensors"));
  auto unet = train("unet", {"-O", "vae=" + run + "/vae/vae", "-O", "text_encoder=" + run + "/clip/text_encoder", "-O",
                             "tokenizer=" + run + "/clip/tokenizer", "-O", "beta_schedule=linear", "-O",
                             "channels=16,32,32", "-O", "precision=bf16"});
  ASSERT_EQ(unet.exit_code, 0) << unet.err;
  for (const char* part : {"model_index.json", "scheduler/scheduler_config.json", "unet/config.json",
                           "vae/config.json", "text_encoder/model.safetensors", "tokenizer/vocab.json"})
    EXPECT_TRUE(fs::exists(dir / "run/unet" / part)) << part;
  const auto unet_config = nlohmann::json::parse(gen::test::read_text(dir / "run/unet/unet/config.json"));
  EXPECT_EQ(unet_config["block_out_channels"], nlohmann::json({16, 32, 32}));
  // The schedule it trained with, for the samplers.
  const auto scheduler = nlohmann::json::parse(gen::test::read_text(dir / "run/unet/scheduler/scheduler_config.json"));
  EXPECT_EQ(scheduler["beta_schedule"], "linear");
  EXPECT_EQ(scheduler["timestep_spacing"], "trailing");
  auto image = run_gen({"image", "-m", run + "/unet", "-p", "a red circle", "--steps", "2", "-q", "-o",
                        (dir / "out.png").string()});
  ASSERT_EQ(image.exit_code, 0) << image.err;
  EXPECT_TRUE(fs::exists(dir / "out.png"));
}

// The weights' initial values come from torch's global generator; unseeded, two runs of
// the same command trained different models.
TEST(ImageLdmTrain, TheSeedDecidesTheTrainedWeights) {
  gen::test::TempDir dir;
  const auto data = (dir / "data").string();
  ASSERT_EQ(run_gen({"data", "image", "-o", data, "--train", "8", "--heldout", "4", "-s", "1", "-q"}).exit_code, 0);
  auto train = [&](const std::string& name, const std::string& seed) {
    auto r = run_gen({"train", "image_ldm", "-m", "vae", "-o", (dir / name).string(), "-O", "data=" + data, "-O",
                      "channels=8,8,16", "-O", "steps=1", "-O", "batch=2", "-O", "checkpoint_every=0", "-s", seed,
                      "--threads", "1", "-q"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return gen::test::read_text(dir / name / "vae/diffusion_pytorch_model.safetensors");
  };
  const auto a = train("a", "5"), again = train("again", "5"), other = train("other", "6");
  EXPECT_FALSE(a.empty());
  EXPECT_TRUE(a == again) << "same seed, different weights";
  EXPECT_FALSE(a == other) << "different seeds, same weights";
}

TEST(ImageLdmTrain, BadVaeWidthsAreAUsageError) {
  gen::test::TempDir dir;
  const auto data = (dir / "data").string();
  ASSERT_EQ(run_gen({"data", "image", "-o", data, "--train", "4", "--heldout", "4", "-q"}).exit_code, 0);
  for (const char* widths : {"16,32", "12,16,32", "16,x,32"}) {
    auto r = run_gen({"train", "image_ldm", "-m", "vae", "-o", (dir / "v").string(), "-O", "data=" + data, "-O",
                      std::string("channels=") + widths});
    gen::test::expect_one_error_line(r, 2, "channels");
  }
  EXPECT_FALSE(fs::exists(dir / "v" / "vae"));
}

// -O init=DIR fine-tunes: training starts from that UNet's weights, not a random draw.
// A folder that is not such a UNet (or not of the -O channels asked for), an unknown beta
// schedule or precision, or widths the group norms cannot split, is one error line.
TEST(ImageLdmTrain, UnetStageStartsFromInitAndRejectsBadOptions) {
  gen::test::TempDir dir;
  const auto data = (dir / "data").string();
  ASSERT_EQ(run_gen({"data", "image", "-o", data, "--train", "8", "--heldout", "4", "-q"}).exit_code, 0);
  auto train = [&](const std::string& name, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"train", "image_ldm", "-m", "unet", "-o", (dir / name).string(), "-O",
                                     "data=" + data, "-O", "steps=1", "-O", "lr=1e-7", "-O", "ema=0", "-O", "batch=2",
                                     "-O", "checkpoint_every=0", "--threads", "1", "-q"};
    for (const auto& parts : {shipped_frozen_parts(), extra}) args.insert(args.end(), parts.begin(), parts.end());
    return run_gen(args);
  };
  auto tuned = train("tuned", {"-O", "init=" + (kAssets / "unet").string()});
  ASSERT_EQ(tuned.exit_code, 0) << tuned.err;
  auto fresh = train("fresh", {});
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  const auto weight = [](const fs::path& unet) {
    return gen::load_safetensors(unet / "diffusion_pytorch_model.safetensors").at("conv_in.weight").to(torch::kFloat32);
  };
  const auto shipped = weight(kAssets / "unet");
  EXPECT_LT((weight(dir / "tuned/unet") - shipped).abs().max().item<double>(), 1e-3);
  EXPECT_GT((weight(dir / "fresh/unet") - shipped).abs().max().item<double>(), 1e-2);

  auto wrong = train("wrong", {"-O", "init=" + (kAssets / "vae").string()});
  gen::test::expect_one_error_line(wrong, 3, "init");
  EXPECT_FALSE(fs::exists(dir / "wrong" / "unet"));
  auto narrower = train("narrower", {"-O", "init=" + (kAssets / "unet").string(), "-O", "channels=16,32,64"});
  gen::test::expect_one_error_line(narrower, 3, "init");
  gen::test::expect_one_error_line(train("schedule", {"-O", "beta_schedule=cosine"}), 2, "beta_schedule");
  EXPECT_FALSE(fs::exists(dir / "schedule" / "unet"));
  gen::test::expect_one_error_line(train("precision", {"-O", "precision=fp16"}), 2, "precision");
  gen::test::expect_one_error_line(train("odd", {"-O", "channels=24,32,64"}), 2, "channels");
}

}  // namespace
