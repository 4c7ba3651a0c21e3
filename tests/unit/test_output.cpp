// Output conventions: numbered batch files, seeds, sidecars, atomic writes.
#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/output.h>

#include "test_util.h"

namespace fs = std::filesystem;

TEST(Output, NumberedOutputOnlyForBatches) {
  EXPECT_EQ(gen::numbered_output("dir/out.png", 0, 1), fs::path("dir/out.png"));
  EXPECT_EQ(gen::numbered_output("dir/out.png", 2, 3), fs::path("dir/out_2.png"));
  EXPECT_EQ(gen::with_extension("a/b.png", ".csv"), fs::path("a/b.csv"));
}

TEST(Output, SeedsResolveAndDerive) {
  EXPECT_EQ(gen::resolve_seed(12), 12);
  auto s = gen::resolve_seed(-1);
  EXPECT_GE(s, 0);
  EXPECT_EQ(gen::item_seed(10, 3), 13);
}

TEST(Output, SidecarHoldsRequest) {
  gen::test::TempDir dir;
  gen::Request r;
  r.prompt = "p";
  r.steps = 5;
  r.options["k"] = "v";
  gen::write_sidecar(dir / "x.png", gen::request_metadata(r, 99));
  auto j = nlohmann::json::parse(gen::test::read_text(dir / "x.png.json"));
  EXPECT_EQ(j["seed"], 99);
  EXPECT_EQ(j["steps"], 5);
  EXPECT_EQ(j["options"]["k"], "v");
}

TEST(AtomicFile, UncommittedWriteLeavesTargetUntouched) {
  gen::test::TempDir dir;
  gen::test::write_text(dir / "t.txt", "old");
  {
    gen::AtomicFile f(dir / "t.txt");
    gen::test::write_text(f.temp_path(), "new");
  }  // destroyed without commit, as when an exception unwinds
  EXPECT_EQ(gen::test::read_text(dir / "t.txt"), "old");
  int files = 0;
  for (auto& e : fs::directory_iterator(dir.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
  gen::write_file_atomic(dir / "t.txt", "new");
  EXPECT_EQ(gen::test::read_text(dir / "t.txt"), "new");
  EXPECT_THROW(gen::AtomicFile(dir / "no-dir" / "x"), gen::UsageError);
}
