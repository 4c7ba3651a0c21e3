// The generation host (gen/generation.h) with the template plugin: requests are
// validated against the plugin's declarations before any work, samples come back in
// memory without a file being touched, and generate_files numbers, writes and
// describes every output.
#include <gen/error.h>
#include <gen/image/image_io.h>

#include "host_util.h"
#include "test_util.h"

namespace fs = std::filesystem;

namespace {

gen::PluginRegistry plugins() { return gen::test::build_tree_plugins(); }

gen::Request request() {
  gen::Request r;
  r.modality = gen::Modality::image;
  r.model = "gmm2d";
  r.steps = 4;
  r.seed = 11;
  r.image.width = r.image.height = 24;
  r.options["points"] = "20";
  return r;
}

gen::OutputFormats formats() { return gen::test::cli_output_formats(); }

std::string usage_error(const gen::PluginRegistry& registry, const gen::Request& r) {
  try {
    gen::generate(registry, r);
  } catch (const gen::UsageError& e) {
    return e.what();
  }
  return "<no usage error>";
}

}  // namespace

TEST(GenerationHost, InMemoryBatchTouchesNoFile) {
  auto registry = plugins();
  gen::test::TempDir dir;
  const auto cwd = fs::current_path();
  fs::current_path(dir.path());
  auto r = request();
  r.batch_count = 3;
  auto samples = gen::generate(registry, r);
  fs::current_path(cwd);
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_TRUE(fs::is_empty(dir.path()));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(samples[i].seed, 11 + i);
  // Item 1 of a batch is the same sample as a single run with its seed.
  auto single = request();
  single.seed = 12;
  EXPECT_TRUE(torch::equal(gen::generate(registry, single).front().data, samples[1].data));
  EXPECT_FALSE(torch::equal(samples[0].data, samples[1].data));
}

TEST(GenerationHost, UnknownOptionNamesTheNearestValidOne) {
  auto registry = plugins();
  auto r = request();
  r.options["pionts"] = "5";
  const auto message = usage_error(registry, r);
  EXPECT_NE(message.find("'pionts'"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'points'"), std::string::npos) << message;
}

TEST(GenerationHost, OutOfRangeAndWrongTypeValuesAreUsageErrors) {
  auto registry = plugins();
  for (auto [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"points", "0"}, {"points", "2.5"}, {"spread", "nan"}, {"layout", "hexagon"}, {"components", "x"}}) {
    auto r = request();
    r.options[key] = value;
    EXPECT_NE(usage_error(registry, r).find(key), std::string::npos) << key << "=" << value;
  }
}

TEST(GenerationHost, FieldsThePluginDoesNotReadAreRefused) {
  auto registry = plugins();
  auto r = request();
  r.image.mask = "mask.png";
  EXPECT_NE(usage_error(registry, r).find("does not use --mask"), std::string::npos);
  r = request();
  r.image.init_image = "in.png";
  EXPECT_NE(usage_error(registry, r).find("--init-image"), std::string::npos);
  r = request();
  r.negative_prompt = "blurry";
  EXPECT_NE(usage_error(registry, r).find("--negative-prompt"), std::string::npos);
  r = request();
  r.cfg_scale = 5;
  EXPECT_NE(usage_error(registry, r).find("--cfg-scale"), std::string::npos);
}

TEST(GenerationHost, FilesAreNumberedAndDescribed) {
  auto registry = plugins();
  gen::test::TempDir dir;
  auto r = request();
  r.batch_count = 2;
  auto written = gen::generate_files(registry, r, dir / "out.png", formats());
  ASSERT_EQ(written.size(), 2u);
  EXPECT_EQ(written[1].path, dir / "out_1.png");
  EXPECT_EQ(written[1].seed, 12);
  for (const char* name : {"out_0.png", "out_0.png.json", "out_0.csv", "out_1.png", "out_1.png.json", "out_1.csv"})
    EXPECT_TRUE(fs::exists(dir / name)) << name;
  auto meta = nlohmann::json::parse(gen::test::read_text(dir / "out_1.png.json"));
  EXPECT_EQ(meta["seed"], 12);
  EXPECT_EQ(meta["plugin"], "template");
  EXPECT_EQ(meta["modality"], "image");
  EXPECT_EQ(meta["options"]["points"], "20");
  EXPECT_EQ(gen::image::read_image(dir / "out_1.png").width(), 24);
  EXPECT_EQ(gen::test::nonempty_lines(gen::test::read_text(dir / "out_1.csv")).size(), 21u);
}

TEST(GenerationHost, BadOutputPathsFailBeforeAnyWork) {
  auto registry = plugins();
  gen::test::TempDir dir;
  int calls = 0;
  auto count = [&](const gen::Progress&) { ++calls; return gen::ProgressAction::proceed; };
  EXPECT_THROW(gen::generate_files(registry, request(), dir.path(), formats(), count), gen::UsageError);
  EXPECT_THROW(gen::generate_files(registry, request(), dir / "none" / "x.png", formats(), count), gen::UsageError);
  EXPECT_THROW(gen::generate_files(registry, request(), dir / "x.mp4", formats(), count), gen::UsageError);
  EXPECT_EQ(calls, 0);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}
