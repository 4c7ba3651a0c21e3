#include "stderr_capture.h"

#include <unistd.h>

#include <sstream>

namespace gen::shape3d::detail {

StderrCapture::StderrCapture() {
  std::fflush(stderr);
  file_ = std::tmpfile();
  if (!file_) return;
  saved_ = dup(STDERR_FILENO);
  if (saved_ < 0 || dup2(fileno(file_), STDERR_FILENO) < 0) {
    if (saved_ >= 0) close(saved_);
    saved_ = -1;
  }
}

void StderrCapture::restore() {
  if (saved_ < 0) return;
  std::fflush(stderr);
  dup2(saved_, STDERR_FILENO);
  close(saved_);
  saved_ = -1;
}

StderrCapture::~StderrCapture() {
  restore();
  if (file_) std::fclose(file_);
}

std::string StderrCapture::finish() {
  restore();
  if (!file_) return "";
  std::rewind(file_);
  std::string text;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, file_)) > 0 && text.size() < (1 << 16);) text.append(buffer, n);
  std::istringstream lines(text);
  std::string line, last;
  while (std::getline(lines, line))
    if (!line.empty()) last = line;
  return last;
}

}  // namespace gen::shape3d::detail
