// End-to-end: the image_ldm plugin runs Stable Diffusion checkpoints. The checkpoints
// are built here: tiny random-weight SD layouts (UNet, VAE with a 2x downsampling,
// CLIP text encoder, a byte-level CLIP tokenizer) saved as a diffusers folder, as a
// 9-channel inpainting folder and as one original-layout .safetensors file. Random
// weights make no pictures, so the checks are about the machinery: files, metadata,
// determinism, which pixels a mask keeps, equal results along different code paths,
// and one-line errors with the right exit code.
#include <gen/image/image_io.h>

#include "test_util.h"
#include "tiny_checkpoint.h"

namespace fs = std::filesystem;
using gen::test::read_text;
using gen::test::write_folder;
using gen::test::write_single_file;
using gen::test::write_tokenizer;
using gen::test::Args;
using gen::test::run_gen;
using gen::test::run_ok;
using gen::test::sidecar;
using gen::test::with;
using gen::test::TempDir;
using nlohmann::json;

namespace {

// ------------------------------------------------------------------ tiny checkpoints

struct Models {
  TempDir dir;
  fs::path folder, inpaint, single, single_bare, tokenizer;
  Models() {
    folder = dir / "tiny-sd";
    inpaint = dir / "tiny-sd-inpainting";
    write_folder(folder, 4);
    write_folder(inpaint, 9);
    tokenizer = folder / "tokenizer";
    fs::create_directories(dir / "single" / "tokenizer");
    const int64_t vocab = write_tokenizer(dir / "single" / "tokenizer");
    single = dir / "single" / "tiny-sd.safetensors";
    write_single_file(single, vocab);
    fs::create_directories(dir / "bare");
    single_bare = dir / "bare" / "tiny-sd.safetensors";
    fs::copy_file(single, single_bare);
  }
};

const Models& models() {
  static Models m;
  return m;
}

// ------------------------------------------------------------------ helpers


Args base_args(const fs::path& model, const fs::path& out, const std::string& seed = "42") {
  // One thread: the tiny networks gain nothing from more, and a busy machine's
  // oversubscribed cores slow them down several-fold.
  return {"image", "-m", model.string(), "-p",  "a red circle", "--steps", "4",
          "-s",    seed,  "-o",           out.string(), "--threads",    "1",       "-q"};
}

torch::Tensor pixels(const fs::path& png) { return gen::image::read_image(png).pixels.to(torch::kInt32); }


std::string parameters(const fs::path& png) { return gen::image::read_png_text(png).at("parameters"); }

// A smooth colourful test picture, so the paste-back check sees varied values.
void write_picture(const fs::path& path, int w, int h) {
  auto y = torch::arange(h).view({h, 1, 1}).expand({h, w, 1});
  auto x = torch::arange(w).view({1, w, 1}).expand({h, w, 1});
  auto rgb = torch::cat({x * 255 / (w - 1), y * 255 / (h - 1), (x + y) * 127 / (w + h - 2)}, 2);
  gen::image::write_png(path, {rgb.to(torch::kUInt8).contiguous()});
}

// White on the columns [from, w), black elsewhere.
void write_mask(const fs::path& path, int w, int h, int from) {
  auto m = torch::zeros({h, w, 1}, torch::kUInt8);
  if (from < w) m.narrow(1, from, w - from).fill_(255);
  gen::image::write_png(path, {m});
}

int regular_files(const fs::path& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.is_regular_file();
  return n;
}

}  // namespace

// ------------------------------------------------------------------ tests

// The models image_ldm lists with the default-model folder looked up in `assets`.
std::vector<json> listed_models(const std::filesystem::path& assets) {
  auto list = run_gen({"plugins", "--json"}, {"GEN_ASSETS_DIR=" + assets.string()});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  const auto listing = json::parse(list.out);
  for (const auto& p : listing["plugins"])
    if (p["name"] == "image_ldm") {
      EXPECT_EQ(p["modality"], "image");
      return std::vector<json>(p["models"].begin(), p["models"].end());
    }
  ADD_FAILURE() << "image_ldm not listed: " << list.out;
  return {};
}

TEST(ImageLdm, WithoutDefaultAssetsGenImageSaysWhereItLookedAndNeverFallsBack) {
  TempDir assets;
  TempDir dir;
  // The template plugin is installed too: it must not answer `gen image` with a scatter plot.
  auto r = run_gen({"image", "-p", "x", "-q", "-o", (dir / "t.png").string()}, {"GEN_ASSETS_DIR=" + assets.path().string()});
  gen::test::expect_one_error_line(r, 4, (assets / "default-image").string());
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(ImageLdm, WithDefaultAssetsGenImageUsesTheDefaultModel) {
  TempDir assets;
  std::filesystem::create_directory_symlink(models().folder, assets / "default-image");
  bool has_default = false;
  for (const auto& m : listed_models(assets.path())) has_default |= m["name"] == "default" && m["default"].get<bool>();
  EXPECT_TRUE(has_default);
  TempDir dir;
  auto r = run_gen({"image", "-p", "a red circle", "--threads", "1", "-q", "-o", (dir / "t.png").string()},
                   {"GEN_ASSETS_DIR=" + assets.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(sidecar(dir / "t.png")["plugin"], "image_ldm");
}

TEST(ImageLdm, Txt2ImgWritesPngWithParametersAndSidecar) {
  TempDir dir;
  const auto out = dir / "out.png";
  auto r = run_gen(base_args(models().folder, out));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(gen::test::nonempty_lines(r.out), std::vector<std::string>{out.string()});
  auto image = gen::image::read_image(out);
  EXPECT_EQ(image.width(), 32);  // the UNet's sample_size 16 times the VAE factor 2
  EXPECT_EQ(image.height(), 32);
  EXPECT_EQ(image.channels(), 3);
  EXPECT_EQ(parameters(out),
            "a red circle\nSteps: 4, Sampler: pndm, CFG scale: 7.5, Seed: 42, Size: 32x32, Model: tiny-sd");
  auto meta = sidecar(out);
  EXPECT_EQ(meta["plugin"], "image_ldm");
  EXPECT_EQ(meta["task"], "txt2img");
  EXPECT_EQ(meta["seed"], 42);
  EXPECT_EQ(meta["steps"], 4);
  EXPECT_EQ(meta["sampler"], "pndm");  // the folder's own scheduler class
  EXPECT_EQ(meta["width"], 32);
  EXPECT_EQ(meta["prediction_type"], "epsilon");
  EXPECT_EQ(meta["checkpoint_format"], "diffusers");
  EXPECT_EQ(meta["prompt"], "a red circle");
  EXPECT_EQ(regular_files(dir.path()), 2);  // PNG + sidecar, no temporary files
}

TEST(ImageLdm, SameSeedSameBytesOtherSeedOtherImage) {
  TempDir dir;
  run_ok(base_args(models().folder, dir / "a.png"));
  run_ok(base_args(models().folder, dir / "b.png"));
  run_ok(base_args(models().folder, dir / "c.png", "7"));
  EXPECT_EQ(read_text(dir / "a.png"), read_text(dir / "b.png"));
  EXPECT_FALSE(torch::equal(pixels(dir / "a.png"), pixels(dir / "c.png")));
}

TEST(ImageLdm, BatchRecordsPerImageSeedsAndItemEqualsSingleRun) {
  TempDir dir;
  auto r = run_gen(with(base_args(models().folder, dir / "out.png"), {"-b", "2"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(gen::test::nonempty_lines(r.out).size(), 2u);
  for (int i = 0; i < 2; ++i) {
    auto png = dir / ("out_" + std::to_string(i) + ".png");
    EXPECT_EQ(sidecar(png)["seed"], 42 + i);
    EXPECT_NE(parameters(png).find("Seed: " + std::to_string(42 + i)), std::string::npos);
  }
  run_ok(base_args(models().folder, dir / "single.png", "43"));
  EXPECT_TRUE(torch::equal(pixels(dir / "out_1.png"), pixels(dir / "single.png")));
  EXPECT_FALSE(torch::equal(pixels(dir / "out_0.png"), pixels(dir / "out_1.png")));
}

TEST(ImageLdm, NegativePromptSteersOnlyWithGuidance) {
  TempDir dir;
  const Args neg{"-n", "blurry, ugly"};
  run_ok(base_args(models().folder, dir / "plain.png"));
  run_ok(with(base_args(models().folder, dir / "neg.png"), neg));
  EXPECT_EQ(parameters(dir / "neg.png"),
            "a red circle\nNegative prompt: blurry, ugly\nSteps: 4, Sampler: pndm, CFG scale: 7.5, Seed: 42, "
            "Size: 32x32, Model: tiny-sd");
  EXPECT_EQ(sidecar(dir / "neg.png")["negative_prompt"], "blurry, ugly");
  EXPECT_FALSE(torch::equal(pixels(dir / "plain.png"), pixels(dir / "neg.png")));
  // At --cfg-scale 1 the unconditional pass is skipped, so the negative prompt cannot matter.
  run_ok(with(base_args(models().folder, dir / "cfg1.png"), {"--cfg-scale", "1"}));
  run_ok(with(base_args(models().folder, dir / "cfg1neg.png"), {"--cfg-scale", "1", "-n", "blurry, ugly"}));
  EXPECT_TRUE(torch::equal(pixels(dir / "cfg1.png"), pixels(dir / "cfg1neg.png")));
  EXPECT_FALSE(torch::equal(pixels(dir / "cfg1.png"), pixels(dir / "plain.png")));
  EXPECT_NE(parameters(dir / "cfg1.png").find("CFG scale: 1,"), std::string::npos);
}

TEST(ImageLdm, SamplersSchedulersAndPluginOptions) {
  TempDir dir;
  const std::vector<std::pair<Args, std::string>> cases{
      {{"--sampler", "euler_a"}, "euler_a"},
      {{"--sampler", "DPM++ 2M", "--scheduler", "karras"}, "dpmpp_2m_karras"},
      {{"--sampler", "ddim", "-O", "clip_skip=2", "-O", "guidance_rescale=0.7"}, "ddim"},
      {{"--sampler", "euler", "-O", "prediction_type=v_prediction"}, "euler"}};
  std::vector<torch::Tensor> images;
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto out = dir / ("s" + std::to_string(i) + ".png");
    run_ok(with(base_args(models().folder, out), cases[i].first));
    EXPECT_EQ(sidecar(out)["sampler"], cases[i].second);
    images.push_back(pixels(out));
  }
  EXPECT_NE(parameters(dir / "s1.png").find("Sampler: dpmpp_2m_karras, Schedule type: karras"), std::string::npos);
  EXPECT_NE(parameters(dir / "s2.png").find("Clip skip: 2, CFG rescale: 0.7"), std::string::npos);
  EXPECT_EQ(sidecar(dir / "s3.png")["prediction_type"], "v_prediction");
  EXPECT_FALSE(torch::equal(images[0], images[1]));
  EXPECT_FALSE(torch::equal(images[1], images[2]));
}

TEST(ImageLdm, LongPromptIsEncodedInChunks) {
  TempDir dir;
  auto args = base_args(models().folder, dir / "long.png");
  args[4] = std::string(200, 'a') + " " + std::string(40, 'b');  // every byte is a token here
  args.pop_back();                                                 // not quiet: the notice is logged
  auto r = run_gen(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("4 chunks of 75 tokens"), std::string::npos) << r.err;
}

TEST(ImageLdm, Img2ImgKeepsTheInitSizeAndRecordsStrength) {
  TempDir dir;
  write_picture(dir / "init.png", 24, 16);
  const Args init{"-i", (dir / "init.png").string()};
  run_ok(with(base_args(models().folder, dir / "a.png"), init));
  run_ok(with(base_args(models().folder, dir / "b.png"), with(init, {"--strength", "0.5"})));
  auto image = gen::image::read_image(dir / "a.png");
  EXPECT_EQ(image.width(), 24);
  EXPECT_EQ(image.height(), 16);
  EXPECT_EQ(sidecar(dir / "a.png")["task"], "img2img");
  EXPECT_DOUBLE_EQ(sidecar(dir / "a.png")["strength"].get<double>(), 0.75);
  EXPECT_NE(parameters(dir / "b.png").find("Size: 24x16, Model: tiny-sd, Denoising strength: 0.5"),
            std::string::npos);
  EXPECT_FALSE(torch::equal(pixels(dir / "a.png"), pixels(dir / "b.png")));
}

TEST(ImageLdm, InpaintingKeepsTheUnmaskedPixels) {
  TempDir dir;
  write_picture(dir / "init.png", 32, 32);
  write_mask(dir / "right.png", 32, 32, 16);
  write_mask(dir / "none.png", 32, 32, 32);
  const auto init = gen::image::read_image(dir / "init.png").pixels.to(torch::kInt32);
  auto inpaint = [&](const std::string& out, const std::string& mask, const std::string& seed, const Args& more) {
    run_ok(with(base_args(models().folder, dir / out, seed),
                with({"-i", (dir / "init.png").string(), "--mask", (dir / mask).string()}, more)));
    return pixels(dir / out);
  };
  // Default: the kept half is pasted back exactly; the masked half is new.
  auto a = inpaint("a.png", "right.png", "42", {});
  EXPECT_TRUE(torch::equal(a.narrow(1, 0, 16), init.narrow(1, 0, 16)));
  EXPECT_FALSE(torch::equal(a.narrow(1, 16, 16), init.narrow(1, 16, 16)));
  EXPECT_EQ(sidecar(dir / "a.png")["task"], "inpaint");
  // Without the paste-back, latent blending alone: a mask that keeps everything ends on
  // the init latent whatever the seed (the image is the VAE's reconstruction of init)...
  auto k1 = inpaint("k1.png", "none.png", "1", {"-O", "composite=false"});
  auto k2 = inpaint("k2.png", "none.png", "2", {"-O", "composite=false"});
  EXPECT_TRUE(torch::equal(k1, k2));
  EXPECT_FALSE(torch::equal(k1, init));
  // ... while a mask that repaints something depends on the seed.
  auto p1 = inpaint("p1.png", "right.png", "1", {"-O", "composite=false"});
  auto p2 = inpaint("p2.png", "right.png", "2", {"-O", "composite=false"});
  EXPECT_FALSE(torch::equal(p1, p2));
}

TEST(ImageLdm, OutpaintingGrowsTheCanvasAndKeepsTheOriginal) {
  TempDir dir;
  write_picture(dir / "init.png", 24, 24);
  const auto out = dir / "out.png";
  run_ok(with(base_args(models().folder, out), {"-i", (dir / "init.png").string(), "--pad", "2,4,6,4"}));
  auto image = pixels(out);
  ASSERT_EQ(image.size(0), 32);
  ASSERT_EQ(image.size(1), 32);
  const auto init = gen::image::read_image(dir / "init.png").pixels.to(torch::kInt32);
  EXPECT_TRUE(torch::equal(image.narrow(0, 4, 24).narrow(1, 2, 24), init));
  EXPECT_EQ(sidecar(out)["task"], "outpaint");
}

TEST(ImageLdm, NineChannelInpaintingUnet) {
  TempDir dir;
  write_picture(dir / "init.png", 32, 32);
  write_mask(dir / "mask.png", 32, 32, 20);
  run_ok(base_args(models().inpaint, dir / "t2i.png"));  // an all-repaint mask
  EXPECT_TRUE(sidecar(dir / "t2i.png")["inpainting_unet"].get<bool>());
  const Args inpaint{"-i", (dir / "init.png").string(), "--mask", (dir / "mask.png").string()};
  run_ok(with(base_args(models().inpaint, dir / "a.png"), inpaint));
  run_ok(with(base_args(models().inpaint, dir / "b.png", "9"), inpaint));
  const auto init = gen::image::read_image(dir / "init.png").pixels.to(torch::kInt32);
  auto a = pixels(dir / "a.png");
  EXPECT_TRUE(torch::equal(a.narrow(1, 0, 20), init.narrow(1, 0, 20)));
  EXPECT_FALSE(torch::equal(a, pixels(dir / "b.png")));
  run_ok(with(base_args(models().inpaint, dir / "o.png"), {"-i", (dir / "init.png").string(), "--pad", "0,0,8,0"}));
  EXPECT_EQ(pixels(dir / "o.png").size(1), 40);
}

TEST(ImageLdm, SingleFileCheckpointMatchesTheFolder) {
  TempDir dir;
  const Args euler{"--sampler", "euler", "-W", "32", "-H", "32"};  // a single file's native size is 128
  run_ok(with(base_args(models().folder, dir / "folder.png"), euler));
  run_ok(with(base_args(models().single, dir / "single.png"), euler));  // tokenizer/ beside the file
  EXPECT_TRUE(torch::equal(pixels(dir / "folder.png"), pixels(dir / "single.png")));
  EXPECT_EQ(sidecar(dir / "single.png")["checkpoint_format"], "single_file");
  // Without --sampler a single file runs euler_a; -O tokenizer points at any tokenizer.
  run_ok(with(base_args(models().single_bare, dir / "bare.png"),
              {"-O", "tokenizer=" + models().tokenizer.string(), "-W", "16", "-H", "16"}));
  EXPECT_EQ(sidecar(dir / "bare.png")["sampler"], "euler_a");
}

TEST(ImageLdm, LowMemoryGivesTheSameImages) {
  TempDir dir;
  write_picture(dir / "init.png", 32, 32);
  const Args img2img{"-i", (dir / "init.png").string(), "-b", "2"};
  run_ok(with(base_args(models().folder, dir / "n.png"), img2img));
  run_ok(with(base_args(models().folder, dir / "l.png"), with(img2img, {"-O", "low_memory=true"})));
  run_ok(with(base_args(models().single, dir / "s.png"), with(img2img, {"-O", "low_memory=true", "--sampler", "pndm"})));
  for (const char* i : {"_0.png", "_1.png"}) {
    EXPECT_TRUE(torch::equal(pixels(dir / ("n" + std::string(i))), pixels(dir / ("l" + std::string(i))))) << i;
    EXPECT_TRUE(torch::equal(pixels(dir / ("n" + std::string(i))), pixels(dir / ("s" + std::string(i))))) << i;
  }
}

TEST(ImageLdm, PreviewIsWrittenBesideTheOutput) {
  TempDir dir;
  run_ok(with(base_args(models().folder, dir / "out.png"), {"--preview-every", "2"}));
  ASSERT_TRUE(fs::exists(dir / "out.preview.png"));
  auto preview = gen::image::read_image(dir / "out.preview.png");
  EXPECT_EQ(preview.width(), 32);
  EXPECT_EQ(preview.height(), 32);
}

TEST(ImageLdm, ErrorsAreOneLineWithTheirExitCode) {
  TempDir dir;
  const auto out = dir / "x.png";
  write_picture(dir / "init.png", 32, 32);
  write_picture(dir / "odd.png", 31, 32);
  write_mask(dir / "small.png", 16, 32, 8);
  const auto& m = models();
  const std::string init = (dir / "init.png").string();
  auto err = [&](const fs::path& model, const Args& more, int code, const std::string& needle) {
    SCOPED_TRACE(needle);
    gen::test::expect_one_error_line(run_gen(with(base_args(model, out), more)), code, needle);
  };
  err(m.folder, {"-W", "33"}, 2, "multiples of 2");
  err(m.folder, {"-i", (dir / "odd.png").string()}, 3, "multiples of 2");
  err(m.folder, {"-i", init, "-W", "64"}, 2, "keeps the init image's size");
  err(m.folder, {"-i", init, "--mask", (dir / "small.png").string()}, 3, "same size");
  err(m.folder, {"--mask", (dir / "small.png").string()}, 2, "--mask needs --init-image");
  err(m.folder, {"-i", init, "--pad", "1,2,3"}, 2, "four values");
  err(m.folder, {"-i", init, "--pad", "a,b,c,d"}, 2, "--pad");
  err(m.folder, {"--pad", "2,2,2,2"}, 2, "--pad needs --init-image");
  err(m.folder, {"--sampler", "warp_drive"}, 2, "dpmpp_2m");
  err(m.folder, {"--sampler", "flow_euler"}, 2, "flow-matching");
  err(m.folder, {"-O", "clip_skp=2"}, 2, "clip_skip");
  err(m.folder, {"-O", "guidance_rescale=2"}, 2, "guidance_rescale");
  err(m.folder, {"-O", "tokenizer=" + (dir / "nowhere").string()}, 3, "nowhere");
  err(m.single_bare, {}, 4, (m.single_bare.parent_path() / "tokenizer").string());
  err(m.single_bare, {}, 4, "-O tokenizer=DIR");
  gen::test::write_text(dir / "model.ckpt", "not a pickle either");
  err(dir / "model.ckpt", {}, 4, "pickle");
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(regular_files(dir.path()), 4);  // only the inputs written above
}
