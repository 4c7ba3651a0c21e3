// The plugin registry: discovery, every fault case of a plugin file, and that a
// library stays loaded while something it made is alive.
#include <gen/error.h>
#include <gen/registry.h>

#include "test_util.h"

namespace fs = std::filesystem;
using gen::test::TempDir;

namespace {

fs::path test_plugin(const std::string& name) {
  return fs::path(GEN_TEST_PLUGIN_DIR) / ("libtest_plugin_" + name + ".so");
}

std::string load_failure(const fs::path& file) {
  gen::PluginRegistry registry;
  EXPECT_FALSE(registry.load(file));
  EXPECT_TRUE(registry.plugins().empty());
  if (registry.failures().size() != 1) return "<no failure recorded>";
  EXPECT_EQ(registry.failures()[0].path, file.string());
  return registry.failures()[0].reason;
}

}  // namespace

TEST(Registry, FileThatIsNotALibraryIsRecordedNotFatal) {
  TempDir dir;
  gen::test::write_text(dir / "libgarbage.so", "this is not an ELF file\n");
  EXPECT_NE(load_failure(dir / "libgarbage.so").find("not a loadable shared library"), std::string::npos);
}

TEST(Registry, LibraryWithoutEntryIsNotAPlugin) {
  EXPECT_NE(load_failure(test_plugin("no_entry")).find("not a gen plugin"), std::string::npos);
}

TEST(Registry, PluginBuiltForAbiOneIsRefusedWithOneLine) {
  // A library built against the first SDK (same descriptor layout, abi_version 1).
  auto reason = load_failure(test_plugin("abi_v1"));
  EXPECT_NE(reason.find("plugin 'abi_v1'"), std::string::npos) << reason;
  EXPECT_NE(reason.find("ABI version 1, but gen expects " + std::to_string(gen::kPluginAbiVersion)), std::string::npos) << reason;
  EXPECT_EQ(reason.find('\n'), std::string::npos) << reason;
}

TEST(Registry, AbiMismatchIsRefusedBeforeCreate) {
  // The plugin's create() aborts; reaching it would kill this test.
  auto reason = load_failure(test_plugin("abi_mismatch"));
  EXPECT_NE(reason.find("ABI version 999"), std::string::npos) << reason;
  EXPECT_NE(reason.find("rebuild"), std::string::npos) << reason;
}

TEST(Registry, TorchVersionMismatchIsRefused) {
  auto reason = load_failure(test_plugin("torch_mismatch"));
  EXPECT_NE(reason.find("LibTorch 0.4.1"), std::string::npos) << reason;
}

TEST(Registry, FactoryThatThrowsIsRecorded) {
  auto reason = load_failure(test_plugin("factory_throws"));
  EXPECT_NE(reason.find("cannot find my resources"), std::string::npos) << reason;
}

TEST(Registry, GeneratorExceptionsNameThePlugin) {
  gen::PluginRegistry registry;
  ASSERT_TRUE(registry.load(test_plugin("generator_throws")));
  const auto& plugin = registry.plugins().front();
  EXPECT_EQ(plugin.info().modality, gen::Modality::motion);
  auto ok = [](const gen::Progress&) { return gen::ProgressAction::proceed; };
  try {
    plugin.create_generator("load", registry, ok);
    FAIL() << "expected a PluginError";
  } catch (const gen::PluginError& e) {
    EXPECT_NE(std::string(e.what()).find("generator_throws"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("weights file is corrupt"), std::string::npos);
  }
  auto gen_run = plugin.create_generator("run", registry, ok);
  EXPECT_THROW(gen_run->generate({}, ok), gen::PluginError);
  auto gen_unknown = plugin.create_generator("unknown", registry, ok);
  EXPECT_THROW(gen_unknown->generate({}, ok), gen::PluginError);
  auto gen_input = plugin.create_generator("input", registry, ok);
  try {
    gen_input->generate({}, ok);
    FAIL() << "expected an InputError-coded error";
  } catch (const gen::Error& e) {
    EXPECT_EQ(e.exit_code(), gen::kExitBadInput);  // the plugin's exit code survives the boundary
  }
}

TEST(Registry, DiscoverSkipsBrokenFilesAndKeepsGoodOnes) {
  TempDir dir;
  fs::copy_file(test_plugin("generator_throws"), dir / "libgood.so");
  fs::copy_file(test_plugin("no_entry"), dir / "libnoentry.so");
  gen::test::write_text(dir / "libgarbage.so", "garbage");
  gen::test::write_text(dir / "README.txt", "ignored: not a .so");
  gen::PluginRegistry registry;
  registry.discover({dir.path(), dir / "does-not-exist"});
  ASSERT_EQ(registry.plugins().size(), 1u);
  EXPECT_EQ(registry.failures().size(), 2u);
  EXPECT_NE(registry.find("generator_throws"), nullptr);
  EXPECT_EQ(registry.find("nope"), nullptr);
}

TEST(Registry, DuplicateNamesKeepTheFirst) {
  TempDir dir;
  fs::copy_file(test_plugin("generator_throws"), dir / "liba.so");
  fs::copy_file(test_plugin("generator_throws"), dir / "libb.so");
  gen::PluginRegistry registry;
  registry.discover({dir.path()});
  EXPECT_EQ(registry.plugins().size(), 1u);
  ASSERT_EQ(registry.failures().size(), 1u);
  EXPECT_NE(registry.failures()[0].reason.find("already loaded"), std::string::npos);
}

TEST(Registry, ResolvePicksDefaultsAndExplainsMisses) {
  gen::PluginRegistry registry;
  ASSERT_TRUE(registry.load(test_plugin("generator_throws")));
  auto r = registry.resolve(gen::Modality::motion, "");
  EXPECT_EQ(r.plugin->info().name, "generator_throws");
  EXPECT_EQ(r.model, "");
  EXPECT_EQ(registry.resolve(gen::Modality::motion, "generator_throws:input").model, "input");
  EXPECT_EQ(registry.resolve(gen::Modality::motion, "load").model, "load");
  try {
    registry.resolve(gen::Modality::motion, "no-such-model");
    FAIL();
  } catch (const gen::ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("available: load, run"), std::string::npos) << e.what();
  }
  try {
    registry.resolve(gen::Modality::audio, "");
    FAIL();
  } catch (const gen::ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("installed: generator_throws (motion)"), std::string::npos)
        << e.what();
  }
}

TEST(Registry, LibraryOutlivesRegistryWhileGeneratorLives) {
  std::shared_ptr<gen::Generator> generator;
  {
    gen::PluginRegistry registry;
    ASSERT_TRUE(registry.load(test_plugin("generator_throws")));
    generator = registry.plugins().front().create_generator(
        "run", registry, [](const gen::Progress&) { return gen::ProgressAction::proceed; });
  }
  // The registry is gone; the generator's code must still be mapped.
  EXPECT_THROW(generator->generate({}, [](const gen::Progress&) { return gen::ProgressAction::proceed; }),
               gen::PluginError);
}

TEST(Registry, SearchPathHonoursEnvironment) {
  ::setenv("GEN_PLUGIN_PATH", "/tmp/a-plugins:/tmp/b-plugins", 1);
  auto dirs = gen::PluginRegistry::default_search_dirs();
  ::unsetenv("GEN_PLUGIN_PATH");
  auto has = [&](const std::string& d) { return std::find(dirs.begin(), dirs.end(), fs::path(d)) != dirs.end(); };
  EXPECT_TRUE(has("/tmp/a-plugins"));
  EXPECT_TRUE(has("/tmp/b-plugins"));
  EXPECT_EQ(dirs.front().filename(), "plugins");  // the build tree comes first
}
