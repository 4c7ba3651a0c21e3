// Helpers shared by the test executables: golden directory, temporary folders,
// running the built `gen` binary, reading safetensors-free fixtures.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace gen::test {

// ../shared/golden by default; the directory in $GEN_GOLDEN_DIR when set.
std::filesystem::path golden_dir();

// A fresh empty directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs the built `gen` with arguments (no shell), extra environment "K=V" entries,
// and returns exit code and captured output. Plugins are found in the build tree.
CommandResult run_gen(const std::vector<std::string>& args,
                      const std::vector<std::string>& env = {});

// Runs any program (argv[0] = path) the same way.
CommandResult run_program(const std::vector<std::string>& argv,
                          const std::vector<std::string>& env = {},
                          const std::filesystem::path& cwd = {});

std::string read_text(const std::filesystem::path& p);
void write_text(const std::filesystem::path& p, const std::string& text);

// Lines of `text` that are not empty.
std::vector<std::string> nonempty_lines(const std::string& text);

// A failed run: exit `code` and exactly one line on stderr, "gen: error: ..." holding `needle`.
void expect_one_error_line(const CommandResult& r, int code, const std::string& needle);

// A gen command line, and the same with more arguments appended.
using Args = std::vector<std::string>;
Args with(Args args, const Args& more);

// Runs gen; a non-zero exit is a fatal test failure that shows gen's stderr.
void run_ok(const Args& args);

// The JSON sidecar written beside an output file (<output>.json).
nlohmann::json sidecar(const std::filesystem::path& output);

// A world's judged run: `gen data <world> -o DIR <data_args> -q`, then `gen eval <world>
// -d DIR <eval_args> -o report.json -q`; returns the report's "runs" (the split's real
// rows first, then the model's). Failures of either command are test failures.
nlohmann::json eval_world(const std::string& world, const std::vector<std::string>& data_args,
                          const std::vector<std::string>& eval_args);

}  // namespace gen::test
