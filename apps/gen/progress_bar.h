// Turns gen::Progress reports into a bar on a terminal (step, it/s, ETA), plain
// lines when stderr is piped (at most about one a second), or nothing with --quiet.
// Ctrl-C makes the next report answer "stop", so long work ends cleanly.
#pragma once
#include <chrono>
#include <string>

#include <gen/progress.h>

namespace gen::cli {

enum class ProgressMode { bar, lines, quiet };

class ProgressBar {
 public:
  explicit ProgressBar(ProgressMode mode);
  ~ProgressBar();
  ProgressAction report(const Progress& p);
  ProgressCallback callback();
  // Ends the current bar line (before printing anything else on stderr).
  void finish();

  static ProgressMode detect(bool quiet);

 private:
  ProgressMode mode_;
  std::string stage_;
  bool line_open_ = false;
  std::chrono::steady_clock::time_point last_line_{};
};

// Installs a SIGINT handler that requests cancellation instead of killing gen.
void install_interrupt_handler();
bool interrupt_requested();

}  // namespace gen::cli
