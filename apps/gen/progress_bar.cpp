#include "progress_bar.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>

namespace gen::cli {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void on_interrupt(int) {
  if (g_interrupted) std::_Exit(130);  // a second Ctrl-C ends at once
  g_interrupted = 1;
}

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7) return "--:--";
  auto s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

std::string format_line(const Progress& p, bool with_bar) {
  const double rate = p.elapsed_s > 0 ? static_cast<double>(p.step) / p.elapsed_s : 0.0;
  const double eta = rate > 0 && p.total > 0 ? static_cast<double>(p.total - p.step) / rate : -1;
  std::string line = p.stage;
  char buf[160];
  if (p.total > 0) {
    if (with_bar) {
      constexpr int kWidth = 28;
      const int filled = static_cast<int>(kWidth * p.step / p.total);
      line += " [" + std::string(static_cast<size_t>(filled), '#') +
              std::string(static_cast<size_t>(kWidth - filled), '.') + "]";
    }
    std::snprintf(buf, sizeof buf, " %lld/%lld", static_cast<long long>(p.step),
                  static_cast<long long>(p.total));
    line += buf;
  } else {
    line += " " + std::to_string(p.step);
  }
  if (rate >= 1.0 || rate == 0.0)
    std::snprintf(buf, sizeof buf, "  %.2f it/s", rate);
  else
    std::snprintf(buf, sizeof buf, "  %.2f s/it", 1.0 / rate);
  line += buf;
  if (p.total > 0) line += "  ETA " + format_duration(eta);
  if (!p.message.empty()) line += "  " + p.message;
  return line;
}

}  // namespace

ProgressBar::ProgressBar(ProgressMode mode) : mode_(mode) {}
ProgressBar::~ProgressBar() { finish(); }

ProgressMode ProgressBar::detect(bool quiet) {
  if (quiet) return ProgressMode::quiet;
  return ::isatty(STDERR_FILENO) ? ProgressMode::bar : ProgressMode::lines;
}

ProgressAction ProgressBar::report(const Progress& p) {
  if (p.preview) return interrupt_requested() ? ProgressAction::stop : ProgressAction::proceed;  // the host wrote it
  if (mode_ == ProgressMode::bar) {
    if (p.stage != stage_) finish();
    std::fprintf(stderr, "\r\033[K%s", format_line(p, true).c_str());
    std::fflush(stderr);
    line_open_ = true;
  } else if (mode_ == ProgressMode::lines) {
    const auto now = std::chrono::steady_clock::now();
    const bool last = p.total > 0 && p.step >= p.total;
    if (p.stage != stage_ || last || now - last_line_ >= std::chrono::seconds(1)) {
      std::fprintf(stderr, "%s\n", format_line(p, false).c_str());
      last_line_ = now;
    }
  }
  stage_ = p.stage;
  return interrupt_requested() ? ProgressAction::stop : ProgressAction::proceed;
}

ProgressCallback ProgressBar::callback() {
  return [this](const Progress& p) { return report(p); };
}

void ProgressBar::finish() {
  if (line_open_) {
    std::fputc('\n', stderr);
    line_open_ = false;
  }
}

void install_interrupt_handler() { std::signal(SIGINT, on_interrupt); }
bool interrupt_requested() { return g_interrupted != 0; }

}  // namespace gen::cli
