// The SDK as a third party sees it: install gen into a temporary prefix, build the
// template plugin and a plugin that composes image_ldm's parts out of tree with
// find_package(Gen), and run them through the installed `gen`.
#include <gen/image/image_io.h>

#include "test_util.h"

namespace fs = std::filesystem;
using gen::test::run_program;
using gen::test::TempDir;

namespace {
const char* kCmake = "/usr/bin/cmake";

// Configures and builds `source` against the SDK in `prefix`; returns the build folder.
fs::path build_out_of_tree(const std::string& source, const fs::path& prefix, const fs::path& build) {
  auto configure = run_program({kCmake, "-S", source, "-B", build.string(), "-G", "Ninja",
                                "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_PREFIX_PATH=" + prefix.string()});
  EXPECT_EQ(configure.exit_code, 0) << configure.out << configure.err;
  auto compile = run_program({kCmake, "--build", build.string()});
  EXPECT_EQ(compile.exit_code, 0) << compile.out << compile.err;
  return build;
}
}  // namespace

TEST(InstallSdk, TemplateBuildsOutOfTreeAndRunsThroughInstalledGen) {
  TempDir tmp;
  const auto prefix = tmp / "prefix";
  auto install = run_program({kCmake, "--install", GEN_BINARY_DIR, "--prefix", prefix.string()});
  ASSERT_EQ(install.exit_code, 0) << install.out << install.err;
  ASSERT_TRUE(fs::exists(prefix / "include" / "gen" / "plugin.h"));
  ASSERT_TRUE(fs::exists(prefix / "bin" / "gen"));

  const auto build = build_out_of_tree(std::string(GEN_SOURCE_DIR) + "/plugins/template", prefix, tmp / "template-build");
  const auto plugin = build / "libgen_template.so";
  ASSERT_TRUE(fs::exists(plugin));

  const auto gen_exe = (prefix / "bin" / "gen").string();
  // The out-of-tree build comes first on GEN_PLUGIN_PATH, so it is the one used.
  const std::vector<std::string> env{"GEN_PLUGIN_PATH=" + build.string()};
  auto check = run_program({gen_exe, "plugins", "--check", plugin.string()}, env);
  ASSERT_EQ(check.exit_code, 0) << check.err;
  auto list = run_program({gen_exe, "plugins", "--json"}, env);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto j = nlohmann::json::parse(list.out);
  ASSERT_FALSE(j["plugins"].empty());
  bool from_build = false;
  for (const auto& p : j["plugins"])
    if (p["name"] == "template") from_build = p["path"] == plugin.string();
  EXPECT_TRUE(from_build) << list.out;

  auto run = run_program({gen_exe, "image", "-m", "gmm2d", "-p", "points", "--steps", "8", "-s", "1", "-W", "32", "-H", "32",
                          "-O", "points=64", "-q", "-o", (tmp / "out.png").string()},
                         env);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(fs::exists(tmp / "out.png"));
  EXPECT_TRUE(fs::exists(tmp / "out.csv"));
}

TEST(InstallSdk, OutOfTreePluginSamplesWithTheImagePriorFromTheRegistry) {
  TempDir tmp;
  const auto prefix = tmp / "prefix";
  auto install = run_program({kCmake, "--install", GEN_BINARY_DIR, "--prefix", prefix.string()});
  ASSERT_EQ(install.exit_code, 0) << install.out << install.err;
  const auto build =
      build_out_of_tree(std::string(GEN_SOURCE_DIR) + "/tests/sdk/prior_sampler", prefix, tmp / "prior-build");
  ASSERT_TRUE(fs::exists(build / "libgen_prior_sampler.so"));

  const auto gen_exe = (prefix / "bin" / "gen").string();
  const std::vector<std::string> env{"GEN_PLUGIN_PATH=" + build.string()};
  const std::vector<std::string> common{"-p", "a red circle on a blue background", "--sampler", "ddim", "--steps", "6",
                                        "--cfg-scale", "5", "-s", "17", "-q"};
  auto args = [&](const std::string& model, const std::string& out) {
    std::vector<std::string> a{gen_exe, "image", "-m", model, "-o", (tmp / out).string()};
    a.insert(a.end(), common.begin(), common.end());
    return a;
  };
  auto composed = run_program(args("prior_sampler:default", "composed.png"), env);
  ASSERT_EQ(composed.exit_code, 0) << composed.err;
  auto direct = run_program(args("default", "direct.png"), env);
  ASSERT_EQ(direct.exit_code, 0) << direct.err;
  auto meta = nlohmann::json::parse(gen::test::read_text(tmp / "composed.png.json"));
  EXPECT_EQ(meta["plugin"], "prior_sampler");
  EXPECT_EQ(meta["prior"], "image_ldm:default-image");
  // The same parts, schedule, noise and guidance: the same pixels as image_ldm's own pipeline.
  EXPECT_TRUE(torch::equal(gen::image::read_image(tmp / "composed.png").pixels,
                           gen::image::read_image(tmp / "direct.png").pixels));
}
