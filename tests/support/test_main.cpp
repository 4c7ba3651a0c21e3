// main() of every test executable: gtest's, plus one rule. ctest runs each test suite
// through a filter (--gtest_filter=Suite.*, listed when the executable is linked:
// tests/cmake/discover_suites.cmake), and so may a user for one test. A filter whose
// suite or test has since been renamed, or whose case vanished from the data (another
// GEN_GOLDEN_DIR, a case removed from an index), then selects nothing, and gtest counts a
// run of zero tests as a pass. Here a filter that selects no test is a failure. (gtest
// 1.12 has no --gtest_fail_if_no_test_selected.)
#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

namespace {

// A filter other than the default "*" that matched nothing; listing tests or asking for
// help runs nothing and is not a failure.
bool selected_nothing(const ::testing::UnitTest& unit) {
  const std::string filter = GTEST_FLAG_GET(filter);
  return !GTEST_FLAG_GET(list_tests) && !filter.empty() && filter != "*" && unit.test_to_run_count() == 0;
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const int result = RUN_ALL_TESTS();
  if (result == 0 && selected_nothing(*::testing::UnitTest::GetInstance())) {
    const char* golden = std::getenv("GEN_GOLDEN_DIR");
    std::fprintf(stderr,
                 "error: --gtest_filter=%s selects no test of %s: its case is gone from the data "
                 "(GEN_GOLDEN_DIR=%s) or the test was renamed. If a suite was renamed, rebuild the "
                 "executable so that ctest lists its suites again.\n",
                 GTEST_FLAG_GET(filter).c_str(), argv[0], golden && *golden ? golden : "(default)");
    return 1;
  }
  return result;
}
