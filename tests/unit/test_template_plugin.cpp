// The template plugin in-process, through the generation host: cancellation from the
// progress callback stops the run with gen::Cancelled and leaves no file; samples come
// back as tensors; bad options are usage errors.
#include <gen/error.h>

#include "host_util.h"
#include "test_util.h"

namespace fs = std::filesystem;

namespace {

gen::PluginRegistry template_registry() {
  auto registry = gen::test::build_tree_plugins();
  if (!registry.find("template")) throw std::runtime_error("template plugin not found in " GEN_PLUGIN_DIR);
  return registry;
}

gen::Request small_request() {
  gen::Request r;
  r.modality = gen::Modality::image;
  r.model = "gmm2d";
  r.prompt = "points";
  r.steps = 10;
  r.seed = 3;
  r.image.width = r.image.height = 32;
  r.options["points"] = "50";
  return r;
}

gen::OutputFormats formats() { return gen::test::cli_output_formats(); }

}  // namespace

TEST(TemplatePlugin, CancelStopsAtTheRequestedStepAndWritesNothing) {
  auto registry = template_registry();
  gen::test::TempDir dir;
  int64_t last_step = 0;
  auto stop_at_3 = [&](const gen::Progress& p) {
    last_step = p.step;
    return p.step >= 3 ? gen::ProgressAction::stop : gen::ProgressAction::proceed;
  };
  EXPECT_THROW(gen::generate_files(registry, small_request(), dir / "c.png", formats(), stop_at_3), gen::Cancelled);
  EXPECT_EQ(last_step, 3);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(TemplatePlugin, ReportsEveryStepAndReturnsTheSampleInMemory) {
  auto registry = template_registry();
  std::vector<int64_t> steps;
  auto record = [&](const gen::Progress& p) {
    steps.push_back(p.step);
    EXPECT_EQ(p.total, 10);
    return gen::ProgressAction::proceed;
  };
  auto samples = gen::generate(registry, small_request(), record);
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].seed, 3);
  EXPECT_EQ(samples[0].data.sizes(), (std::vector<int64_t>{32, 32, 3}));
  EXPECT_EQ(samples[0].data.scalar_type(), torch::kUInt8);
  ASSERT_EQ(samples[0].extras.count(".csv"), 1u);
  EXPECT_EQ(samples[0].extras.at(".csv").sizes(), (std::vector<int64_t>{50, 2}));
  EXPECT_EQ(samples[0].metadata["sampler"], "dpmpp_2m");
  EXPECT_EQ(steps, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
}

TEST(TemplatePlugin, SamplesLandOnTheMixture) {
  // Every point should end close to one of the 4 grid means (spread 0.02).
  auto registry = template_registry();
  auto r = small_request();
  r.steps = 40;
  r.options = {{"points", "400"}, {"layout", "grid"}, {"components", "4"}, {"spread", "0.02"}};
  const auto points = gen::generate(registry, r).front().extras.at(".csv");
  ASSERT_EQ(points.size(0), 400);
  // grid of 4: means at (+-0.8, +-0.8)
  const auto off = (points.abs() - 0.8).abs();
  const int64_t near = ((off.select(1, 0) < 0.1) & (off.select(1, 1) < 0.1)).sum().item<int64_t>();
  EXPECT_GE(near, 390) << "points off the mixture: the sampler or the denoiser is wrong";
}

TEST(TemplatePlugin, RejectsBadOptionsAndUnknownModels) {
  auto registry = template_registry();
  auto r = small_request();
  r.options["components"] = "1000";
  EXPECT_THROW(gen::generate(registry, r), gen::UsageError);
  r = small_request();
  r.model = "template:sd15";
  EXPECT_THROW(gen::generate(registry, r), gen::ModelError);
}
