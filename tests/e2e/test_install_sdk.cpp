// The SDK as a third party sees it: install gen into a temporary prefix, build the
// template plugin out of tree with find_package(Gen), and run it through the
// installed `gen`.
#include "test_util.h"

namespace fs = std::filesystem;
using gen::test::run_program;
using gen::test::TempDir;

namespace {
const char* kCmake = "/usr/bin/cmake";
}

TEST(InstallSdk, TemplateBuildsOutOfTreeAndRunsThroughInstalledGen) {
  TempDir tmp;
  const auto prefix = tmp / "prefix";
  auto install = run_program({kCmake, "--install", GEN_BINARY_DIR, "--prefix", prefix.string()});
  ASSERT_EQ(install.exit_code, 0) << install.out << install.err;
  ASSERT_TRUE(fs::exists(prefix / "include" / "gen" / "plugin.h"));
  ASSERT_TRUE(fs::exists(prefix / "bin" / "gen"));

  const auto build = tmp / "template-build";
  auto configure = run_program({kCmake, "-S", std::string(GEN_SOURCE_DIR) + "/plugins/template", "-B", build.string(),
                                "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_PREFIX_PATH=" + prefix.string()});
  ASSERT_EQ(configure.exit_code, 0) << configure.out << configure.err;
  auto compile = run_program({kCmake, "--build", build.string()});
  ASSERT_EQ(compile.exit_code, 0) << compile.out << compile.err;
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
