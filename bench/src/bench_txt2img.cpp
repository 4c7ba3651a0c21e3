// The txt2img benchmark: a whole `gen image` run (text encoder, every UNet step, VAE
// decode, PNG) on a random-weight model of the preset --arch, in a child process of the
// gen executable, so its peak RSS is exactly what a user's run takes, loading included.
// Run plain and with low_memory.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include <gen/error.h>
#include <gen/runtime.h>

#include "bench_common.h"
#include "network_arch.h"

extern char** environ;

namespace gen::bench {

namespace {

namespace fs = std::filesystem;

struct ChildRun {
  int exit_code = -1;
  double seconds = 0, peak_rss_mb = 0;
};

// Runs the gen executable with `args`; wait4 reports the child's own peak RSS.
ChildRun run_gen(const fs::path& gen, const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string program = gen.string();
  argv.push_back(program.data());
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const auto start = std::chrono::steady_clock::now();
  // The child's stdout is only the output path; the result line is ours.
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int failed = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  if (failed) throw Error("bench txt2img: cannot start gen image");
  int status = 0;
  rusage usage{};
  if (::wait4(pid, &status, 0, &usage) != pid) throw Error("bench txt2img: lost the gen image process");
  ChildRun r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// Removes the model folder however the bench ends.
struct TempDir {
  fs::path path;
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

void run_txt2img(const BenchSettings& a, const BenchOutput& out) {
  whole_model_arch(a.arch);  // a bad --arch fails before anything runs
  if (!a.save_model.empty()) {
    write_random_sd_model(a.arch, a.save_model);
    spdlog::info("wrote a random-weight {} model (F16) to {}", a.arch, a.save_model);
    return;
  }
  if (a.gen_executable.empty()) throw UsageError("bench txt2img: no gen executable to run");
  const int size = a.size > 0 ? a.size : 512;
  if (size % 64 != 0) throw UsageError("--size must be a multiple of 64 for txt2img");
  const int steps = a.steps > 0 ? a.steps : 4;
  TempDir dir{fs::temp_directory_path() / ("gen-bench-txt2img-" + std::to_string(::getpid()))};
  // Written by a child: a child started from a process that once held the networks
  // would inherit its peak RSS (Linux carries the pre-exec peak into the child's).
  spdlog::info("writing a random-weight {} model (F16) to {}", a.arch, dir.path.string());
  if (run_gen(a.gen_executable, {"bench", "txt2img", "--arch", a.arch, "--save-model", dir.path.string(), "-q"})
          .exit_code != 0)
    throw Error("bench txt2img: writing the model failed");
  for (const bool low_memory : {false, true}) {
    const auto image = (dir.path / "out.png").string();
    const std::vector<std::string> args = {"image", "-m", dir.path.string(), "-p", "a photo", "-W",
                                           std::to_string(size), "-H", std::to_string(size), "--steps",
                                           std::to_string(steps), "-s", "1", "-o", image, "--threads",
                                           std::to_string(num_threads()), "-O",
                                           std::string("low_memory=") + (low_memory ? "true" : "false"), "-q"};
    const auto r = run_gen(a.gen_executable, args);
    if (r.exit_code != 0) throw Error("bench txt2img: gen image failed (exit " + std::to_string(r.exit_code) + ")");
    report_result(out, "txt2img",
                  fmt("arch=%s size=%dx%d steps=%d low_memory=%d threads=%d wall=%.1fs peak_rss=%.0fMB",
                      a.arch.c_str(), size, size, steps, low_memory ? 1 : 0, num_threads(), r.seconds, r.peak_rss_mb));
  }
}

}  // namespace gen::bench
