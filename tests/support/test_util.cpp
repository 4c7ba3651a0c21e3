#include "test_util.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

extern char** environ;

namespace gen::test {

std::filesystem::path golden_dir() {
  if (const char* env = std::getenv("GEN_GOLDEN_DIR"); env && *env) return env;
  return GEN_GOLDEN_DEFAULT;
}

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto p = std::filesystem::temp_directory_path() /
             ("gen-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    if (std::filesystem::create_directory(p)) {
      path_ = p;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

static std::string slurp_fd(int fd) {
  std::string s;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
  return s;
}

CommandResult run_program(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                          const std::filesystem::path& cwd) {
  int out_pipe[2], err_pipe[2];
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(127);
    for (const auto& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execve(args[0], args.data(), environ);
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  CommandResult r;
  std::thread err_reader([&] { r.err = slurp_fd(err_pipe[0]); });
  r.out = slurp_fd(out_pipe[0]);
  err_reader.join();
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

CommandResult run_gen(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  std::vector<std::string> argv{GEN_EXE};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, env);
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_text(const std::filesystem::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary);
  f << text;
}

void expect_one_error_line(const CommandResult& r, int code, const std::string& needle) {
  EXPECT_EQ(r.exit_code, code) << r.err;
  auto lines = nonempty_lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_EQ(lines[0].rfind("gen: error: ", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(needle), std::string::npos) << lines[0];
}

std::vector<std::string> nonempty_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream ss(text);
  std::string line;
  while (std::getline(ss, line))
    if (!line.empty()) lines.push_back(line);
  return lines;
}

nlohmann::json eval_world(const std::string& world, const std::vector<std::string>& data_args,
                          const std::vector<std::string>& eval_args) {
  TempDir dir;
  const auto data = (dir / "data").string();
  std::vector<std::string> make{"data", world, "-o", data};
  make.insert(make.end(), data_args.begin(), data_args.end());
  make.push_back("-q");
  const auto made = run_gen(make);
  EXPECT_EQ(made.exit_code, 0) << made.err;
  const auto report = (dir / "report.json").string();
  std::vector<std::string> eval{"eval", world, "-d", data};
  eval.insert(eval.end(), eval_args.begin(), eval_args.end());
  eval.insert(eval.end(), {"-o", report, "-q"});
  const auto judged = run_gen(eval);
  EXPECT_EQ(judged.exit_code, 0) << judged.err;
  if (judged.exit_code != 0) return nlohmann::json::array();
  return nlohmann::json::parse(read_text(report))["runs"];
}

Args with(Args args, const Args& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

void run_ok(const Args& args) {
  const auto r = run_gen(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

nlohmann::json sidecar(const std::filesystem::path& output) {
  return nlohmann::json::parse(read_text(std::filesystem::path(output.string() + ".json")));
}

}  // namespace gen::test
