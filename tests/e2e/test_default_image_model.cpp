// The shipped default image model (assets/default-image) draws what its prompts ask
// for. Scenes from a dataset seed the model never saw (7; training used 1), DPM++ 2M at
// 25 steps, CFG 5, one thread (so the run is bit-reproducible); the pixel analyser reads
// colour, shape, count, position and background back. Version 4 here (session 8's
// analyser): train colour 0.975, colour+shape 0.975, count 1.0; held out colour+shape
// 0.925, count 1.0; position and background 1.0. The bounds sit a few images under
// that and over version 3 (0.88 / 0.81 colour+shape on 200 prompts), so a retrained
// model that is worse fails. The targets (0.90 / 0.70 at 200 prompts) are
// docs/model-zoo.md's business. The analyser itself is checked here too, on degraded
// real renders and without the model, so that its retuning cannot move these bounds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include <gen/shapes/prompt_adherence.h>
#include <gen/shapes/shape_analysis.h>
#include <gen/shapes/shapes_dataset.h>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;

const fs::path kDefaultImageModel = fs::path(GEN_SOURCE_DIR) / "assets" / "default-image";

// The report's rows for 40 prompts of one split; `how` picks samplers, steps, baselines.
nlohmann::json evaluate_image(const std::string& split, std::vector<std::string> how = {}) {
  if (how.empty()) how = {"--samplers", "dpmpp_2m", "--steps", "25", "--cfg-scale", "5"};
  std::vector<std::string> args = {"-m", kDefaultImageModel.string(), "--splits", split, "--count", "40", "--threads", "1"};
  args.insert(args.end(), how.begin(), how.end());
  return gen::test::eval_world("image", {"--train", "40", "--heldout", "40", "-s", "7"}, args);
}

TEST(DefaultImageModel, IsShipped) {
  EXPECT_TRUE(fs::exists(kDefaultImageModel / "model_index.json")) << kDefaultImageModel << " is missing: see docs/model-zoo.md";
}

TEST(DefaultImageModel, DrawsTheRequestedColourAndShape) {
  ASSERT_TRUE(fs::exists(kDefaultImageModel / "model_index.json"));
  const auto train = evaluate_image("train").at(0);
  EXPECT_GE(train["color"].get<double>(), 0.95) << train.dump();
  EXPECT_GE(train["color_and_shape"].get<double>(), 0.90) << train.dump();
  EXPECT_GE(train["count"].get<double>(), 0.90) << train.dump();
  EXPECT_GE(train["position"].get<double>(), 0.9) << train.dump();
  EXPECT_GE(train["background"].get<double>(), 0.95) << train.dump();
}

// The ceiling of everything above: the analyser on real scenes after a round trip
// through the shipped VAE. Version 1's VAE lost small shapes (0.575 here, first
// analyser); version 2's keeps all of them (1.0; 0.975 by the first analyser).
TEST(DefaultImageModel, AutoencoderKeepsColourAndShape) {
  ASSERT_TRUE(fs::exists(kDefaultImageModel / "model_index.json"));
  const auto runs = evaluate_image("train", {"--baselines", "--samplers", "ddim", "--steps", "1"});
  ASSERT_EQ(runs.at(1)["sampler"], "autoencoder");
  EXPECT_GE(runs.at(1)["color_and_shape"].get<double>(), 0.95) << runs.at(1).dump();
  EXPECT_GE(runs.at(1)["count"].get<double>(), 0.95) << runs.at(1).dump();
}

TEST(DefaultImageModel, ComposesColourShapePairsItNeverSaw) {
  ASSERT_TRUE(fs::exists(kDefaultImageModel / "model_index.json"));
  const auto heldout = evaluate_image("heldout").at(0);
  EXPECT_GE(heldout["color_and_shape"].get<double>(), 0.85) << heldout.dump();
  EXPECT_GE(heldout["count"].get<double>(), 0.90) << heldout.dump();
  EXPECT_GE(heldout["position"].get<double>(), 0.9) << heldout.dump();
  EXPECT_GE(heldout["background"].get<double>(), 0.95) << heldout.dump();
}

// The judge, checked without the generator. The bounds above are only as good as the
// analyser that reads the images, and it was retuned when they were raised; a judge
// that grew lenient or blind would move them with it. Here it reads real renders of the
// shapes world (the dataset writer's, with their captions), degraded the way a decoder
// degrades them, and must read what the captions say and refuse what they do not.

struct Degradation {
  const char* name;
  double blur = 0;      // Gaussian sigma, pixels
  int64_t rescale = 0;  // down to this side (area) and back up (bilinear); 0: none
  double noise = 0;     // std of additive Gaussian noise, in 0..255 levels
  double shift = 0;     // each channel offset by a uniform draw in [-shift, shift] levels
};

gen::image::Image degrade(const gen::image::Image& image, const Degradation& d, uint64_t seed) {
  namespace F = torch::nn::functional;
  auto x = gen::image::gaussian_blur(image, d.blur).pixels.permute({2, 0, 1}).unsqueeze(0).to(torch::kFloat32);
  if (d.rescale > 0) {
    const std::vector<int64_t> small{d.rescale, d.rescale}, full{x.size(2), x.size(3)};
    x = F::interpolate(x, F::InterpolateFuncOptions().size(small).mode(torch::kArea));
    x = F::interpolate(x, F::InterpolateFuncOptions().size(full).mode(torch::kBilinear).align_corners(false));
  }
  auto rng = at::detail::createCPUGenerator(seed);
  if (d.noise > 0) x = x + d.noise * torch::randn(x.sizes(), rng);
  if (d.shift > 0) x = x + d.shift * (2 * torch::rand({1, 3, 1, 1}, rng) - 1);
  return {x.round().clamp(0, 255).to(torch::kUInt8).squeeze(0).permute({1, 2, 0}).contiguous()};
}

struct JudgeScore {
  int images = 0;
  double color = 0, color_and_shape = 0, count = 0, position = 0, background = 0;
  double wrong_accepted = 0;  // a caption with another colour, shape or count that passed
  std::string first_miss;     // caption and what was read, for the failure message
};

// The next value after `v` in `values`: a wrong answer that is still a valid one.
std::string other(const std::vector<std::string>& values, const std::string& v) {
  auto it = std::find(values.begin(), values.end(), v);
  return values[(static_cast<size_t>(it - values.begin()) + 1) % values.size()];
}

JudgeScore judge(const std::vector<gen::shapes::EvalCase>& cases, const Degradation& d) {
  JudgeScore s;
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& wanted = cases[i].scene;
    const auto found = gen::shapes::analyse_scene(degrade(cases[i].real, d, 1000 + i));
    const auto c = gen::shapes::check_adherence(found, wanted);
    s.color += c.color, s.color_and_shape += c.color_and_shape(), s.count += c.count;
    s.position += c.position, s.background += c.background;
    if (s.first_miss.empty() && !(c.color_and_shape() && c.count && c.position && c.background))
      s.first_miss = "\"" + cases[i].prompt + "\": read " + std::to_string(found.objects.size()) + " object(s)" +
                     (found.objects.empty() ? "" : ", the largest " + found.objects[0].color + " " + found.objects[0].shape) +
                     ", " + found.position + ", on " + found.background;
    auto wrong_color = wanted, wrong_shape = wanted, wrong_count = wanted;
    wrong_color.color = other(gen::shapes::shape_colors(), wanted.color);
    wrong_shape.shape = other(gen::shapes::shape_names(), wanted.shape);
    wrong_count.count = wanted.count % 3 + 1;
    s.wrong_accepted += gen::shapes::check_adherence(found, wrong_color).color +
                        gen::shapes::check_adherence(found, wrong_shape).shape +
                        gen::shapes::check_adherence(found, wrong_count).count;
  }
  s.images = static_cast<int>(cases.size());
  for (double* v : {&s.color, &s.color_and_shape, &s.count, &s.position, &s.background}) *v /= s.images;
  s.wrong_accepted /= 3.0 * s.images;
  return s;
}

// Floors for colour and colour+shape, each 2-4 points under the lower of the two splits
// as measured (docs/model-zoo.md, "The judge"). Count, position and background read
// 1.000 in every row; a wrong caption was accepted at most 1.3% of the time.
struct JudgeRow {
  Degradation d;
  double min_color, min_color_and_shape;
};
const JudgeRow kRows[] = {
    {{"sharp"}, 0.98, 0.98},
    {{"blur 1.0 px", 1.0}, 0.95, 0.95},
    {{"64 -> 32 -> 64 px", 0, 32}, 0.95, 0.93},
    {{"noise 10/255", 0, 0, 10}, 0.98, 0.94},
    {{"colour shift 15/255", 0, 0, 0, 15}, 0.98, 0.98},
    {{"all: blur 0.7, 32 px, noise 6, shift 10", 0.7, 32, 6, 10}, 0.92, 0.80},
};

TEST(DefaultImageModel, JudgeReadsDegradedRealScenes) {
  gen::test::TempDir dir;
  gen::shapes::ShapesDatasetOptions o;
  o.train_count = o.heldout_count = 400;
  o.seed = 7;  // the evaluation's seed: the training split starts with its 40 prompts
  gen::shapes::write_shapes_dataset(dir.path(), o, nullptr);
  for (const std::string split : {"train", "heldout"}) {
    const auto cases = gen::shapes::eval_cases(dir.path(), split, 400);
    for (const auto& row : kRows) {
      const auto s = judge(cases, row.d);
      std::printf("%s, %s: colour %.3f colour+shape %.3f count %.3f position %.3f background %.3f, wrong accepted %.3f\n",
                  split.c_str(), row.d.name, s.color, s.color_and_shape, s.count, s.position, s.background,
                  s.wrong_accepted);
      const std::string where = split + ", " + row.d.name + (s.first_miss.empty() ? "" : "; first miss: " + s.first_miss);
      EXPECT_GE(s.color, row.min_color) << where;
      EXPECT_GE(s.color_and_shape, row.min_color_and_shape) << where;
      EXPECT_GE(s.count, 0.98) << where;
      EXPECT_GE(s.position, 0.98) << where;
      EXPECT_GE(s.background, 0.98) << where;
      EXPECT_LE(s.wrong_accepted, 0.03) << where;
    }
  }
}

}  // namespace
