// The measuring tools of bench_common.h, and the sgemm benchmark: the machine's
// matrix-product rate, the yardstick the networks' GFLOP/s is compared with
// (docs/benchmarks.md).
#include <ATen/ATen.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

#include <gen/error.h>
#include <gen/runtime.h>

#include "bench_common.h"

namespace gen::bench {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

Timing time_runs(int repeats, const std::function<void()>& fn) {
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    fn();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  return {*std::min_element(ms.begin(), ms.end()), median(ms)};
}

namespace {

double status_mb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::stod(line.substr(std::strlen(key))) / 1024.0;  // kB
  return 0;
}

}  // namespace

double peak_rss_mb() { return status_mb("VmHWM:"); }
double rss_mb() { return status_mb("VmRSS:"); }

bool reset_peak_rss() {
  malloc_trim(0);  // hand freed heap pages back, so an earlier run's leftovers do not hide this one's growth
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

std::string fmt(const char* format, ...) {
  va_list args, again;
  va_start(args, format);
  va_copy(again, args);
  std::string out(static_cast<size_t>(std::vsnprintf(nullptr, 0, format, args)), '\0');
  std::vsnprintf(out.data(), out.size() + 1, format, again);
  va_end(again);
  va_end(args);
  return out;
}

void report_result(const BenchOutput& out, const std::string& what, const std::string& fields) {
  if (out.result) out.result(what, fields);
}

SgemmProbe::SgemmProbe(int n) : n_(n), x_(at::randn({n, n})), y_(at::randn({n, n})), out_(at::empty({n, n})) {
  at::mm_out(out_, x_, y_);  // warm-up: thread pool, page faults of the output
}

Timing SgemmProbe::time(int repeats) {
  return time_runs(repeats, [&] { at::mm_out(out_, x_, y_); });
}

double SgemmProbe::gflops(int repeats) { return flops() / time(repeats).best_ms / 1e6; }

void run_sgemm(const BenchSettings& a, const BenchOutput& out) {
  SgemmProbe probe(a.size > 0 ? a.size : 2048);
  const auto t = probe.time(a.repeats > 0 ? a.repeats : 10);
  report_result(out, "sgemm", fmt("size=%d threads=%d best=%.2fms median=%.2fms rate=%.1fGFLOP/s", probe.size(),
                                  num_threads(), t.best_ms, t.median_ms, probe.flops() / t.best_ms / 1e6));
}

}  // namespace gen::bench
