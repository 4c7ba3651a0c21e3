// The template plugin in-process: cancellation from the progress callback stops the
// run with gen::Cancelled and leaves no file; bad options are usage errors.
#include <gen/error.h>
#include <gen/registry.h>

#include "test_util.h"

namespace fs = std::filesystem;

namespace {

const gen::LoadedPlugin& template_plugin(gen::PluginRegistry& registry) {
  registry.discover({GEN_PLUGIN_DIR});
  auto* p = registry.find("template");
  if (!p) throw std::runtime_error("template plugin not found in " GEN_PLUGIN_DIR);
  return *p;
}

gen::Request small_request(const fs::path& out) {
  gen::Request r;
  r.prompt = "points";
  r.steps = 10;
  r.seed = 3;
  r.width = r.height = 32;
  r.output = out.string();
  r.options["points"] = "50";
  return r;
}

}  // namespace

TEST(TemplatePlugin, CancelStopsAtTheRequestedStepAndWritesNothing) {
  gen::PluginRegistry registry;
  const auto& plugin = template_plugin(registry);
  gen::test::TempDir dir;
  int64_t last_step = 0;
  auto stop_at_3 = [&](const gen::Progress& p) {
    last_step = p.step;
    return p.step >= 3 ? gen::ProgressAction::stop : gen::ProgressAction::proceed;
  };
  auto generator = plugin.create_generator("", stop_at_3);
  EXPECT_THROW(generator->run(small_request(dir / "c.png"), stop_at_3), gen::Cancelled);
  EXPECT_EQ(last_step, 3);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(TemplatePlugin, ReportsEveryStepAndWritesOutputs) {
  gen::PluginRegistry registry;
  const auto& plugin = template_plugin(registry);
  gen::test::TempDir dir;
  std::vector<int64_t> steps;
  auto record = [&](const gen::Progress& p) {
    steps.push_back(p.step);
    EXPECT_EQ(p.total, 10);
    return gen::ProgressAction::proceed;
  };
  auto result = plugin.create_generator("gmm2d", record)->run(small_request(dir / "o.png"), record);
  ASSERT_EQ(result.artifacts.size(), 1u);
  EXPECT_EQ(result.artifacts[0].seed, 3);
  EXPECT_EQ(steps, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_TRUE(fs::exists(dir / "o.png"));
}

TEST(TemplatePlugin, SamplesLandOnTheMixture) {
  // Every point should end close to one of the 4 grid means (spread 0.02).
  gen::PluginRegistry registry;
  const auto& plugin = template_plugin(registry);
  gen::test::TempDir dir;
  auto r = small_request(dir / "g.png");
  r.steps = 40;
  r.options = {{"points", "400"}, {"layout", "grid"}, {"components", "4"}, {"spread", "0.02"}};
  plugin.create_generator("", {})->run(r, {});
  auto lines = gen::test::nonempty_lines(gen::test::read_text(dir / "g.csv"));
  ASSERT_EQ(lines.size(), 401u);
  int near = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    double x = std::stod(lines[i].substr(0, lines[i].find(','))), y = std::stod(lines[i].substr(lines[i].find(',') + 1));
    // grid of 4: means at (+-0.8, +-0.8)
    near += std::abs(std::abs(x) - 0.8) < 0.1 && std::abs(std::abs(y) - 0.8) < 0.1;
  }
  EXPECT_GE(near, 390) << "points off the mixture: the sampler or the denoiser is wrong";
}

TEST(TemplatePlugin, RejectsBadOptionsAndUnknownModels) {
  gen::PluginRegistry registry;
  const auto& plugin = template_plugin(registry);
  gen::test::TempDir dir;
  auto r = small_request(dir / "x.png");
  r.options["components"] = "1000";
  EXPECT_THROW(plugin.create_generator("", {})->run(r, {}), gen::UsageError);
  EXPECT_THROW(plugin.create_generator("sd15", {}), gen::ModelError);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}
