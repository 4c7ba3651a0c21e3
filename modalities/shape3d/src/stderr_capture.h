// Collects what a C library prints on stderr while it runs (rply's "RPly: ..." lines),
// so gen can fold it into its one error line instead of letting it through.
#pragma once
#include <cstdio>
#include <string>

namespace gen::shape3d::detail {

class StderrCapture {
 public:
  StderrCapture();
  ~StderrCapture();
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;
  // Restores stderr and returns the last non-empty line printed meanwhile ("" if none).
  std::string finish();

 private:
  void restore();
  int saved_ = -1;
  std::FILE* file_ = nullptr;
};

}  // namespace gen::shape3d::detail
