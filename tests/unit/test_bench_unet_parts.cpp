// gen/bench/unet_parts.h and `gen bench unet --motion` on a tiny motion UNet: every part
// is found at the side and width it works on inside the step (its FLOPs equal a hand
// count), and the bench reports shares of the step that are real fractions.
#include <gtest/gtest.h>

#include <regex>

#include <torch/torch.h>

#include <gen/bench/benchmarks.h>
#include <gen/bench/unet_parts.h>
#include <gen/error.h>
#include <gen/nn/unet_motion_model.h>

#include "tiny_motion_unet.h"

namespace {

using gen::bench::UNetPart;

constexpr int64_t kClips = 2, kFrames = 4, kLatent = 8, kImages = kClips * kFrames;

// Two stages, 32 and 64 wide; the second stage has no cross-attention, so its up stage's
// motion modules are UpBlockMotion's (32 norm groups).
gen::nn::UNet2DConditionConfig tiny_unet() { return gen::test::tiny_motion_unet_config(2); }
gen::nn::MotionAdapterConfig tiny_adapter() { return gen::test::tiny_motion_adapter_config(32, 4); }

// One motion module (TransformerTemporalModel, one block) on T = images x side^2 tokens
// of width C in sequences of F frames, 2 FLOPs per multiply-add:
//   proj_in, proj_out                         2 x 2TC^2
//   2 attentions: q, k, v, out projections    2 x 4 x 2TC^2
//                 scores and probs @ V        2 x 2 x 2TFC (T/F sequences of F x F, heads x d = C)
//   feed-forward: GEGLU C -> 8C, then 4C -> C 2T(8C^2 + 4C^2)
double motion_module_flops(double side, double c) {
  const double t = kImages * side * side, f = kFrames;
  return 44 * t * c * c + 8 * t * f * c;
}

// One ResNet block: two 3x3 convolutions, a 1x1 shortcut when the width changes, and the
// time-embedding projection (4 x 32 = 128 wide) of every image.
double resnet_flops(double side, double in, double out) {
  const double pixels = kImages * side * side;
  return 2 * pixels * out * in * 9 + 2 * pixels * out * out * 9 + (in != out ? 2 * pixels * out * in : 0) +
         2.0 * kImages * 128 * out;
}

const UNetPart& find(const std::vector<UNetPart>& parts, const std::string& kind, int64_t side) {
  for (const auto& p : parts)
    if (p.kind == kind && p.side == side) return p;
  throw std::runtime_error("no " + kind + " part at side " + std::to_string(side));
}

TEST(BenchUNetParts, FindEveryPartAtItsSideAndWidthWithExactFlops) {
  torch::manual_seed(0);
  gen::nn::UNetMotionModel unet(gen::nn::UNetMotionConfig::from_unet_and_adapter(tiny_unet(), tiny_adapter()));
  unet->eval();
  gen::bench::UNetPartsInput input;
  input.images = kImages;
  input.frames = kFrames;
  input.latent = kLatent;
  input.context = torch::randn({kImages, 5, 16});
  const auto parts = gen::bench::measure_unet_parts(*unet, input, 1);

  // Sorted by kind, then from the large map to the small one.
  std::vector<std::pair<std::string, int64_t>> order;
  for (const auto& p : parts) order.emplace_back(p.kind, p.side);
  const std::vector<std::pair<std::string, int64_t>> expected_order = {
      {"resnet", 8}, {"resnet", 4}, {"attention", 8}, {"attention", 4}, {"motion", 8}, {"motion", 4}};
  EXPECT_EQ(order, expected_order);

  // Motion modules: down 0 and up 1 (two layers) at 8x8 on 32 channels; down 1, mid and
  // up 0 (two layers) at 4x4 on 64 channels.
  EXPECT_EQ(find(parts, "motion", 8).modules, 3);
  EXPECT_EQ(find(parts, "motion", 4).modules, 4);
  EXPECT_DOUBLE_EQ(find(parts, "motion", 8).flops, 3 * motion_module_flops(8, 32));
  EXPECT_DOUBLE_EQ(find(parts, "motion", 4).flops, 4 * motion_module_flops(4, 64));

  // ResNet blocks, with the widths of the skip concatenations in the up stages (skips:
  // conv_in 32@8, down 0 32@8, its downsampler 32@4, down 1 64@4).
  EXPECT_EQ(find(parts, "resnet", 8).modules, 3);
  EXPECT_EQ(find(parts, "resnet", 4).modules, 5);
  EXPECT_DOUBLE_EQ(find(parts, "resnet", 8).flops,
                   resnet_flops(8, 32, 32) + resnet_flops(8, 64 + 32, 32) + resnet_flops(8, 32 + 32, 32));
  EXPECT_DOUBLE_EQ(find(parts, "resnet", 4).flops, resnet_flops(4, 32, 64) + 2 * resnet_flops(4, 64, 64) +
                                                       resnet_flops(4, 64 + 64, 64) + resnet_flops(4, 64 + 32, 64));

  // Spatial transformers: down 0 and up 1 (two layers) at 8x8, the mid block at 4x4.
  EXPECT_EQ(find(parts, "attention", 8).modules, 3);
  EXPECT_EQ(find(parts, "attention", 4).modules, 1);
  for (const auto& p : parts) {
    EXPECT_GT(p.flops, 0) << p.kind << " " << p.side;
    EXPECT_GT(p.ms, 0) << p.kind << " " << p.side;
  }
}

TEST(BenchUNetParts, ImageUNetHasNoMotionPart) {
  torch::manual_seed(0);
  gen::nn::UNet2DConditionModel unet(tiny_unet());
  gen::bench::UNetPartsInput input{2, 1, kLatent, torch::randn({2, 5, 16})};
  const auto parts = gen::bench::measure_unet_parts(*unet, input, 1);
  ASSERT_EQ(parts.size(), 4u);
  for (const auto& p : parts) EXPECT_NE(p.kind, "motion");
  EXPECT_THROW(gen::bench::measure_unet_parts(*torch::nn::Linear(2, 2), input, 1), gen::Error);
}

// The result lines of one benchmark run.
std::map<std::string, std::string> run_bench(const gen::bench::BenchSettings& settings) {
  std::map<std::string, std::string> lines;
  gen::bench::BenchOutput out;
  out.result = [&](const std::string& what, const std::string& fields) { lines[what] = fields; };
  gen::bench::run_benchmark(settings, out);
  return lines;
}

double field(const std::string& fields, const std::string& key) {
  std::smatch m;
  if (!std::regex_search(fields, m, std::regex("(^| )" + key + "=(-?[0-9.]+)"))) return -1;
  return std::stod(m[2]);
}

gen::bench::BenchSettings tiny_motion_bench() {
  gen::bench::BenchSettings s;
  s.what = "unet";
  s.arch = std::string(GEN_SOURCE_DIR) + "/configs/models/tiny.json";
  s.motion = std::string(GEN_SOURCE_DIR) + "/configs/motion/tiny.json";
  s.frames = 4;
  s.size = 64;
  s.repeats = 1;
  return s;
}

TEST(BenchUNetParts, MotionStepOfTheTinyPresetReportsSharesOfTheStep) {
  const auto lines = run_bench(tiny_motion_bench());
  ASSERT_TRUE(lines.count("unet") && lines.count("unet_parts"));
  const auto& step = lines.at("unet");
  EXPECT_NE(step.find("frames=4"), std::string::npos) << step;
  EXPECT_NE(step.find("batch=2"), std::string::npos) << step;
  EXPECT_GT(field(step, "flops"), 0) << step;
  const auto& parts = lines.at("unet_parts");
  EXPECT_EQ(field(parts, "motion_modules"), 7) << parts;  // 1 + 1 down, 1 mid, 2 + 2 up
  double shares = 0;
  for (const char* kind : {"resnet", "attention", "motion"}) {
    const double share = field(parts, std::string(kind) + "_share");
    EXPECT_GT(share, 0) << kind << ": " << parts;
    EXPECT_LT(share, 1) << kind << ": " << parts;
    shares += share;
  }
  EXPECT_LT(shares, 1.5) << parts;  // parts timed alone cannot take much longer than the step
}

TEST(BenchUNetParts, MotionFlagsThatCannotWorkAreUsageErrors) {
  auto misfit = tiny_motion_bench();
  misfit.motion = "animatediff-v2";  // SD-1.5's widths on the tiny UNet
  EXPECT_THROW(run_bench(misfit), gen::UsageError);
  auto too_long = tiny_motion_bench();
  too_long.frames = 33;  // 32 frame positions
  EXPECT_THROW(run_bench(too_long), gen::UsageError);
  auto no_motion = tiny_motion_bench();
  no_motion.motion.clear();
  EXPECT_THROW(run_bench(no_motion), gen::UsageError);  // --frames alone
}

}  // namespace
